//! The peers, each written as its users would: nalgebra (static `SMatrix` for
//! one sample, `DMatrix` otherwise) and ndarray, backpropagation by hand.

use super::{Data, Opt, SGD_LR, Weights, adam_slice, schedule, softmax_ce_grad_rows};
use nalgebra::{DMatrix, DVector, SMatrix, SVector};
use ndarray::{Array1, Array2, ArrayView2, Axis, Zip, s};

// ---------------------------------------------------------------------------
// nalgebra

/// One-sample inference with static matrices.
pub struct NaStatic<const I: usize, const H: usize, const O: usize> {
    w1: SMatrix<f32, H, I>,
    b1: SVector<f32, H>,
    w2: SMatrix<f32, O, H>,
    b2: SVector<f32, O>,
}

impl<const I: usize, const H: usize, const O: usize> NaStatic<I, H, O> {
    pub fn new(w: &Weights) -> Box<Self> {
        // nalgebra is column-major; `from_row_slice` takes our `[out][in]` rows.
        Box::new(NaStatic {
            w1: SMatrix::from_row_slice(&w.w1),
            b1: SVector::from_column_slice(&w.b1),
            w2: SMatrix::from_row_slice(&w.w2),
            b2: SVector::from_column_slice(&w.b2),
        })
    }
    pub fn forward(&self, x: &SVector<f32, I>) -> SVector<f32, O> {
        let h = (self.w1 * x + self.b1).map(|v| v.max(0.0));
        self.w2 * h + self.b2
    }
}

/// Dynamic matrices; a batch is the columns of the data matrix (`I × N`).
pub struct NaDyn {
    w1: DMatrix<f32>,
    b1: DVector<f32>,
    w2: DMatrix<f32>,
    b2: DVector<f32>,
    m: Vec<DMatrix<f32>>,
    v: Vec<DMatrix<f32>>,
    t: i32,
}

/// The data set as nalgebra stores it: one sample per column.
pub fn na_data(d: &Data) -> DMatrix<f32> {
    DMatrix::from_column_slice(d.dim, d.len(), &d.x)
}

impl NaDyn {
    pub fn new(w: &Weights) -> Self {
        let (i, h, o) = w.sizes;
        let zeros = vec![
            DMatrix::zeros(h, i),
            DMatrix::zeros(h, 1),
            DMatrix::zeros(o, h),
            DMatrix::zeros(o, 1),
        ];
        NaDyn {
            w1: DMatrix::from_row_slice(h, i, &w.w1),
            b1: DVector::from_column_slice(&w.b1),
            w2: DMatrix::from_row_slice(o, h, &w.w2),
            b2: DVector::from_column_slice(&w.b2),
            m: zeros.clone(),
            v: zeros,
            t: 0,
        }
    }

    fn hidden(&self, x: nalgebra::DMatrixView<'_, f32>) -> DMatrix<f32> {
        let mut h = &self.w1 * x;
        for mut c in h.column_iter_mut() {
            c += &self.b1;
        }
        h.apply(|v| *v = v.max(0.0));
        h
    }

    fn logits(&self, h: &DMatrix<f32>) -> DMatrix<f32> {
        let mut z = &self.w2 * h;
        for mut c in z.column_iter_mut() {
            c += &self.b2;
        }
        z
    }

    /// Logits of the samples `x` (columns).
    pub fn forward(&self, x: nalgebra::DMatrixView<'_, f32>) -> DMatrix<f32> {
        self.logits(&self.hidden(x))
    }

    pub fn epoch(&mut self, xs: &DMatrix<f32>, d: &Data, batch: usize, opt: Opt) {
        let o = self.b2.len();
        for (at, len) in schedule(d.len(), batch) {
            let xb = xs.columns(at, len);
            let h = self.hidden(xb);
            let mut dz = self.logits(&h);
            softmax_ce_grad_rows(dz.as_mut_slice(), o, &d.y[at..at + len]);
            let dw2 = &dz * h.transpose();
            let db2 = dz.column_sum();
            let mut dh = self.w2.tr_mul(&dz);
            dh.zip_apply(&h, |g, h| {
                if h <= 0.0 {
                    *g = 0.0
                }
            });
            let dw1 = &dh * xb.transpose();
            let db1 = dh.column_sum();
            match opt {
                Opt::Sgd => {
                    self.w1 -= dw1 * SGD_LR;
                    self.b1.axpy(-SGD_LR, &db1, 1.0);
                    self.w2 -= dw2 * SGD_LR;
                    self.b2.axpy(-SGD_LR, &db2, 1.0);
                }
                Opt::Adam => {
                    self.t += 1;
                    let t = self.t;
                    let ps = [
                        self.w1.as_mut_slice(),
                        self.b1.as_mut_slice(),
                        self.w2.as_mut_slice(),
                        self.b2.as_mut_slice(),
                    ];
                    let gs = [
                        dw1.as_slice(),
                        db1.as_slice(),
                        dw2.as_slice(),
                        db2.as_slice(),
                    ];
                    for (((p, g), m), v) in ps.into_iter().zip(gs).zip(&mut self.m).zip(&mut self.v)
                    {
                        adam_slice(p, g, m.as_mut_slice(), v.as_mut_slice(), t);
                    }
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------
// ndarray

pub struct Nd {
    w1: Array2<f32>,
    b1: Array1<f32>,
    w2: Array2<f32>,
    b2: Array1<f32>,
    m: [Array1<f32>; 4],
    v: [Array1<f32>; 4],
    t: i32,
}

pub fn nd_data(d: &Data) -> Array2<f32> {
    Array2::from_shape_vec((d.len(), d.dim), d.x.clone()).unwrap()
}

/// Adam over one tensor with a fused `Zip`.
pub fn nd_adam(p: &mut [f32], g: &[f32], m: &mut Array1<f32>, v: &mut Array1<f32>, t: i32) {
    use super::{ADAM_LR, BETA1, BETA2, EPS};
    let (bc1, bc2) = (1.0 - BETA1.powi(t), 1.0 - BETA2.powi(t));
    let (step, inv_bc2) = (ADAM_LR / bc1, 1.0 / bc2);
    let p = ndarray::ArrayViewMut1::from(p);
    let g = ndarray::ArrayView1::from(g);
    Zip::from(p).and(m).and(v).and(g).for_each(|p, m, v, &g| {
        *m = BETA1 * *m + (1.0 - BETA1) * g;
        *v = BETA2 * *v + (1.0 - BETA2) * g * g;
        *p -= step * *m / ((*v * inv_bc2).sqrt() + EPS);
    });
}

impl Nd {
    pub fn new(w: &Weights) -> Self {
        let (i, h, o) = w.sizes;
        let zeros = [h * i, h, o * h, o].map(Array1::zeros);
        Nd {
            w1: Array2::from_shape_vec((h, i), w.w1.clone()).unwrap(),
            b1: Array1::from(w.b1.clone()),
            w2: Array2::from_shape_vec((o, h), w.w2.clone()).unwrap(),
            b2: Array1::from(w.b2.clone()),
            m: zeros.clone(),
            v: zeros,
            t: 0,
        }
    }

    fn hidden(&self, x: ArrayView2<'_, f32>) -> Array2<f32> {
        let mut h = x.dot(&self.w1.t()) + &self.b1;
        h.mapv_inplace(|v| v.max(0.0));
        h
    }

    /// Logits of the samples `x` (rows).
    pub fn forward(&self, x: ArrayView2<'_, f32>) -> Array2<f32> {
        self.hidden(x).dot(&self.w2.t()) + &self.b2
    }

    /// One sample.
    pub fn forward1(&self, x: &Array1<f32>) -> Array1<f32> {
        let h = (self.w1.dot(x) + &self.b1).mapv(|v| v.max(0.0));
        self.w2.dot(&h) + &self.b2
    }

    pub fn epoch(&mut self, xs: &Array2<f32>, d: &Data, batch: usize, opt: Opt) {
        let o = self.b2.len();
        for (at, len) in schedule(d.len(), batch) {
            let xb = xs.slice(s![at..at + len, ..]);
            let h = self.hidden(xb);
            let mut dz = h.dot(&self.w2.t()) + &self.b2;
            softmax_ce_grad_rows(dz.as_slice_mut().unwrap(), o, &d.y[at..at + len]);
            let dw2 = dz.t().dot(&h);
            let db2 = dz.sum_axis(Axis(0));
            let mut dh = dz.dot(&self.w2);
            Zip::from(&mut dh).and(&h).for_each(|g, &h| {
                if h <= 0.0 {
                    *g = 0.0
                }
            });
            let dw1 = dh.t().dot(&xb);
            let db1 = dh.sum_axis(Axis(0));
            match opt {
                Opt::Sgd => {
                    self.w1.scaled_add(-SGD_LR, &dw1);
                    self.b1.scaled_add(-SGD_LR, &db1);
                    self.w2.scaled_add(-SGD_LR, &dw2);
                    self.b2.scaled_add(-SGD_LR, &db2);
                }
                Opt::Adam => {
                    self.t += 1;
                    let t = self.t;
                    let gs = [
                        dw1,
                        db1.into_shape_with_order((self.b1.len(), 1)).unwrap(),
                        dw2,
                        db2.into_shape_with_order((o, 1)).unwrap(),
                    ];
                    let ps = [
                        self.w1.as_slice_mut().unwrap(),
                        self.b1.as_slice_mut().unwrap(),
                        self.w2.as_slice_mut().unwrap(),
                        self.b2.as_slice_mut().unwrap(),
                    ];
                    for (((p, g), m), v) in
                        ps.into_iter().zip(&gs).zip(&mut self.m).zip(&mut self.v)
                    {
                        let g = g.as_standard_layout();
                        nd_adam(p, g.as_slice().unwrap(), m, v, t);
                    }
                }
            }
        }
    }
}
