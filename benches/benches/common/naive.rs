//! The project's naive version: plain nested loops over const-generic arrays,
//! one sample at a time, sums left to right. What every kernel gained is
//! measured against this.
#![allow(clippy::needless_range_loop)] // index loops on purpose

use super::{ADAM_LR, BETA1, BETA2, Data, EPS, Opt, SGD_LR, Weights, schedule};

#[derive(Clone)]
pub struct Mlp<const I: usize, const H: usize, const O: usize> {
    pub w1: [[f32; I]; H],
    pub b1: [f32; H],
    pub w2: [[f32; H]; O],
    pub b2: [f32; O],
}

impl<const I: usize, const H: usize, const O: usize> Mlp<I, H, O> {
    pub fn zeroed() -> Box<Self> {
        Box::new(Mlp {
            w1: [[0.0; I]; H],
            b1: [0.0; H],
            w2: [[0.0; H]; O],
            b2: [0.0; O],
        })
    }

    pub fn new(w: &Weights) -> Box<Self> {
        let mut m = Self::zeroed();
        m.w1.as_flattened_mut().copy_from_slice(&w.w1);
        m.b1.copy_from_slice(&w.b1);
        m.w2.as_flattened_mut().copy_from_slice(&w.w2);
        m.b2.copy_from_slice(&w.b2);
        m
    }

    fn hidden(&self, x: &[f32; I]) -> [f32; H] {
        let mut h = [0.0; H];
        for j in 0..H {
            let mut s = self.b1[j];
            for i in 0..I {
                s += self.w1[j][i] * x[i];
            }
            h[j] = if s > 0.0 { s } else { 0.0 };
        }
        h
    }

    fn out(&self, h: &[f32; H]) -> [f32; O] {
        let mut y = [0.0; O];
        for k in 0..O {
            let mut s = self.b2[k];
            for j in 0..H {
                s += self.w2[k][j] * h[j];
            }
            y[k] = s;
        }
        y
    }

    pub fn forward(&self, x: &[f32; I]) -> [f32; O] {
        self.out(&self.hidden(x))
    }

    fn all(&mut self) -> [&mut [f32]; 4] {
        [
            self.w1.as_flattened_mut(),
            &mut self.b1,
            self.w2.as_flattened_mut(),
            &mut self.b2,
        ]
    }
}

pub struct Trainer<const I: usize, const H: usize, const O: usize> {
    pub net: Box<Mlp<I, H, O>>,
    g: Box<Mlp<I, H, O>>,
    m: Box<Mlp<I, H, O>>,
    v: Box<Mlp<I, H, O>>,
    t: i32,
}

impl<const I: usize, const H: usize, const O: usize> Trainer<I, H, O> {
    pub fn new(w: &Weights) -> Self {
        Trainer {
            net: Mlp::new(w),
            g: Mlp::zeroed(),
            m: Mlp::zeroed(),
            v: Mlp::zeroed(),
            t: 0,
        }
    }

    pub fn epoch(&mut self, d: &Data, batch: usize, opt: Opt) {
        let rows = super::as_rows::<I>(&d.x);
        for (at, len) in schedule(d.len(), batch) {
            self.g.all().into_iter().for_each(|s| s.fill(0.0));
            let inv_b = 1.0 / len as f32;
            for r in at..at + len {
                let x = &rows[r];
                let h = self.net.hidden(x);
                let mut z = self.net.out(&h);
                let mut max = f32::NEG_INFINITY;
                for k in 0..O {
                    max = max.max(z[k]);
                }
                let mut sum = 0.0;
                for k in 0..O {
                    z[k] = (z[k] - max).exp();
                    sum += z[k];
                }
                for k in 0..O {
                    z[k] = z[k] / sum * inv_b;
                }
                z[d.y[r]] -= inv_b;
                let mut dh = [0.0f32; H];
                for k in 0..O {
                    self.g.b2[k] += z[k];
                    for j in 0..H {
                        self.g.w2[k][j] += z[k] * h[j];
                        dh[j] += self.net.w2[k][j] * z[k];
                    }
                }
                for j in 0..H {
                    if h[j] <= 0.0 {
                        continue;
                    }
                    self.g.b1[j] += dh[j];
                    for i in 0..I {
                        self.g.w1[j][i] += dh[j] * x[i];
                    }
                }
            }
            self.update(opt);
        }
    }

    fn update(&mut self, opt: Opt) {
        self.t += 1;
        let (bc1, bc2) = (1.0 - BETA1.powi(self.t), 1.0 - BETA2.powi(self.t));
        let [p0, p1, p2, p3] = self.net.all();
        let [g0, g1, g2, g3] = self.g.all();
        let [m0, m1, m2, m3] = self.m.all();
        let [v0, v1, v2, v3] = self.v.all();
        for (p, g, m, v) in [
            (p0, g0, m0, v0),
            (p1, g1, m1, v1),
            (p2, g2, m2, v2),
            (p3, g3, m3, v3),
        ] {
            for i in 0..p.len() {
                match opt {
                    Opt::Sgd => p[i] -= SGD_LR * g[i],
                    Opt::Adam => {
                        m[i] = BETA1 * m[i] + (1.0 - BETA1) * g[i];
                        v[i] = BETA2 * v[i] + (1.0 - BETA2) * g[i] * g[i];
                        p[i] -= ADAM_LR / bc1 * m[i] / ((v[i] / bc2).sqrt() + EPS);
                    }
                }
            }
        }
    }
}
