//! The typed activation layers against PyTorch (`shared/reference/activations.json`),
//! in f64 and f32, with the README's tolerances.

mod common;

use common::{arr, arr2, assert_close, cases, flat, param, shape};
use nn_core::kernels::{maxout_backward, maxout_forward};
use nn_core::{
    Elu, Float, LeakyRelu, LogSoftmax, Maxout, Module, Params, Prelu, Relu, Sigmoid, Softmax, Tanh,
};
use serde_json::Value;

/// `y` and `dy/dx` of an element-wise activation for one sample of `N` values
/// and for the same values as a `[R][C]` batch (`R·C = N`).
fn elementwise<F, A, const N: usize, const R: usize, const C: usize>(act: A, case: &Value)
where
    F: Float,
    A: Module<[F; N], Output = [F; N]>
        + Module<[[F; C]; R], Output = [[F; C]; R]>
        + Params<F>
        + Clone,
{
    let name = case["name"].as_str().unwrap_or("?");
    let x: [F; N] = arr(&case["x"]);
    let (y, cache) = act.forward_train(&x);
    assert_close(&format!("{name} y"), &y, &flat(&case["y"]));
    let y_inference: [F; N] = act.forward(&x);
    assert_eq!(y_inference, y, "{name}: forward = forward_train");
    let dydx: [F; N] = act.backward(&x, &y, &cache, &[F::ONE; N], &mut act.zeroed());
    assert_close(&format!("{name} dydx"), &dydx, &flat(&case["dydx"]));

    let xb: [[F; C]; R] = core::array::from_fn(|r| core::array::from_fn(|c| x[r * C + c]));
    let (yb, cacheb) = act.forward_train(&xb);
    assert_eq!(yb.as_flattened(), &y[..], "{name}: batch = sample");
    let dxb: [[F; C]; R] = act.backward(&xb, &yb, &cacheb, &[[F::ONE; C]; R], &mut act.zeroed());
    assert_eq!(dxb.as_flattened(), &dydx[..], "{name}: batch = sample");
}

/// PReLU's slope derivative `dy_i/da`, one element at a time.
fn prelu_dyda<F: Float, const N: usize>(case: &Value) {
    let act = Prelu::new(F::from_f64(param(&case["params"], "a")));
    let x: [F; N] = arr(&case["x"]);
    let want = flat(&case["dyda"]);
    let y: [F; N] = act.forward(&x);
    let got: Vec<F> = (0..N)
        .map(|i| {
            let mut dy = [F::ZERO; N];
            dy[i] = F::ONE;
            let mut grads = act.zeroed();
            let _: [F; N] = act.backward(&x, &y, &(), &dy, &mut grads);
            grads.a
        })
        .collect();
    assert_close("prelu dyda", &got, &want);
}

/// Row-wise softmax / log-softmax on a `[R][N]` batch, and each row alone.
fn rowwise<F, A, const N: usize, const R: usize>(act: A, case: &Value)
where
    F: Float,
    A: Module<[F; N], Output = [F; N]>
        + Module<[[F; N]; R], Output = [[F; N]; R]>
        + Params<F>
        + Clone,
{
    let name = case["name"].as_str().unwrap_or("?");
    let x: [[F; N]; R] = arr2(&case["x"]);
    let up: [[F; N]; R] = arr2(&case["upstream"]);
    let (y, cache) = act.forward_train(&x);
    assert_close(&format!("{name} y"), y.as_flattened(), &flat(&case["y"]));
    let vjp: [[F; N]; R] = act.backward(&x, &y, &cache, &up, &mut act.zeroed());
    assert_close(
        &format!("{name} vjp"),
        vjp.as_flattened(),
        &flat(&case["vjp"]),
    );
    assert!(
        y.as_flattened().iter().all(|v| v.is_finite()),
        "{name}: finite"
    );
    for r in 0..R {
        let (yr, cr) = act.forward_train(&x[r]);
        assert_eq!(yr, y[r], "{name}: row {r} alone");
        let vr: [F; N] = act.backward(&x[r], &yr, &cr, &up[r], &mut act.zeroed());
        assert_eq!(vr, vjp[r], "{name}: row {r} alone");
    }
}

/// Group max over contiguous blocks of `K`, as a typed [`Maxout`] whose pieces
/// pick single inputs (weights 0/1, bias 0: exact), and with the slice kernels.
fn group_max<F: Float, const IN: usize, const OUT: usize, const K: usize, const R: usize>(
    case: &Value,
) {
    let mut layer = Maxout::<F, IN, OUT, K>::zeros();
    for (o, unit) in layer.weight.iter_mut().enumerate() {
        for (j, piece) in unit.iter_mut().enumerate() {
            piece[o * K + j] = F::ONE;
        }
    }
    let x: [[F; IN]; R] = arr2(&case["x"]);
    let up: [[F; OUT]; R] = arr2(&case["upstream"]);
    let want_arg: Vec<usize> = flat(&case["argmax"]).iter().map(|&v| v as usize).collect();
    let (y, cache) = layer.forward_train(&x);
    assert_close("maxout y", y.as_flattened(), &flat(&case["y"]));
    assert_eq!(cache.as_flattened(), &want_arg[..], "maxout argmax");
    let vjp: [[F; IN]; R] = layer.backward(&x, &y, &cache, &up, &mut layer.zeroed());
    assert_close("maxout vjp", vjp.as_flattened(), &flat(&case["vjp"]));

    let (mut yk, mut ak) = ([[F::ZERO; OUT]; R], [[0usize; OUT]; R]);
    maxout_forward(
        x.as_flattened(),
        K,
        yk.as_flattened_mut(),
        ak.as_flattened_mut(),
    );
    assert_close("maxout kernel y", yk.as_flattened(), &flat(&case["y"]));
    assert_eq!(ak.as_flattened(), &want_arg[..], "maxout kernel argmax");
    let mut dk = [[F::ZERO; IN]; R];
    maxout_backward(
        ak.as_flattened(),
        K,
        up.as_flattened(),
        dk.as_flattened_mut(),
    );
    assert_close("maxout kernel vjp", dk.as_flattened(), &flat(&case["vjp"]));
}

fn run_case<F: Float>(case: &Value) {
    let name = case["name"].as_str().expect("name");
    let params = &case["params"];
    let get = |key: &str| F::from_f64(param(params, key));
    let s = shape(&case["x"]);
    match (name, s.as_slice()) {
        ("sigmoid", [20]) => elementwise::<F, _, 20, 4, 5>(Sigmoid, case),
        ("tanh", [20]) => elementwise::<F, _, 20, 4, 5>(Tanh, case),
        ("relu", [20]) => elementwise::<F, _, 20, 4, 5>(Relu, case),
        ("leaky_relu", [20]) => {
            elementwise::<F, _, 20, 4, 5>(LeakyRelu::new(get("negative_slope")), case)
        }
        ("prelu", [20]) => {
            elementwise::<F, _, 20, 4, 5>(Prelu::new(get("a")), case);
            prelu_dyda::<F, 20>(case);
        }
        ("elu", [20]) => elementwise::<F, _, 20, 4, 5>(Elu::new(get("alpha")), case),
        ("softmax", [7, 5]) => rowwise::<F, _, 5, 7>(Softmax, case),
        ("log_softmax", [7, 5]) => rowwise::<F, _, 5, 7>(LogSoftmax, case),
        ("maxout", [4, 6]) => match param(params, "k") as usize {
            2 => group_max::<F, 6, 3, 2, 4>(case),
            3 => group_max::<F, 6, 2, 3, 4>(case),
            k => panic!("maxout: no typed test for k = {k}"),
        },
        (name, s) => panic!("no typed test for {name} with shape {s:?}"),
    }
}

#[test]
fn every_activation_case_matches_pytorch_in_f64() {
    let cases = cases("activations");
    for case in &cases {
        run_case::<f64>(case);
    }
    assert_eq!(cases.len(), 12);
}

#[test]
fn every_activation_case_matches_pytorch_in_f32() {
    for case in &cases("activations") {
        run_case::<f32>(case);
    }
}

#[test]
fn kinks_follow_pytorch() {
    // relu'(0) = 0, leaky'(0) = slope, prelu'(0) = a, elu'(0) = alpha.
    let x = [0.0f64];
    let one = [1.0f64];
    let d: [f64; 1] = Relu.backward(&x, &Relu.forward(&x), &(), &one, &mut Relu);
    assert_eq!(d, [0.0]);
    let l = LeakyRelu::new(0.2);
    let d: [f64; 1] = l.backward(&x, &l.forward(&x), &(), &one, &mut l.clone());
    assert_eq!(d, [0.2]);
    let p = Prelu::new(0.3);
    let d: [f64; 1] = p.backward(&x, &p.forward(&x), &(), &one, &mut p.zeroed());
    assert_eq!(d, [0.3]);
    let e = Elu::new(0.5);
    let d: [f64; 1] = e.backward(&x, &e.forward(&x), &(), &one, &mut e.clone());
    assert_eq!(d, [0.5]);
}

#[test]
fn extreme_inputs_stay_finite() {
    let x = [
        [1000.0f32, -1000.0, 999.5, -999.5],
        [-1000.0, -1000.0, -1000.0, -1000.0],
    ];
    let dy = [[1.0f32, -1.0, 0.5, 2.0], [1.0, 1.0, 1.0, 1.0]];
    fn finite<M>(m: M, x: &[[f32; 4]; 2], dy: &[[f32; 4]; 2])
    where
        M: Module<[[f32; 4]; 2], Output = [[f32; 4]; 2]> + Params<f32> + Clone,
    {
        let (y, c) = m.forward_train(x);
        let dx = m.backward(x, &y, &c, dy, &mut m.zeroed());
        assert!(
            y.as_flattened()
                .iter()
                .chain(dx.as_flattened())
                .all(|v| v.is_finite())
        );
    }
    finite(Sigmoid, &x, &dy);
    finite(Tanh, &x, &dy);
    finite(Elu::<f32>::default(), &x, &dy);
    finite(LeakyRelu::<f32>::default(), &x, &dy);
    finite(Prelu::<f32>::default(), &x, &dy);
    finite(Softmax, &x, &dy);
    finite(LogSoftmax, &x, &dy);
}
