//! Typed const-generic networks (`Chain`s of `Dense`, activations and `Maxout`)
//! against PyTorch's forward and backward passes (`shared/reference/mlp.json`),
//! in f64 and f32, with the README's tolerances.

mod common;

use common::{arr2, assert_close, cases, flat, indices, param, shape};
use nn_core::{
    CrossEntropy, Dense, Elu, Float, Identity, LeakyRelu, Loss, Maxout, Module, ParamKind, Params,
    Prelu, Relu, Seq, Sigmoid, Softmax, Tanh, seq,
};
use serde_json::Value;

/// Pre-activation and activation of one hidden layer, flattened `[B][width]`.
type Layer<F> = (Vec<F>, Vec<F>);
/// [`Layer`] values of each hidden layer.
type Hidden<F> = Vec<Layer<F>>;

/// Loads the case's weights into `net`, then checks every hidden `z` and `a`,
/// the output, the loss, `dL/d(output)`, every parameter gradient (PReLU slopes
/// against `grad_prelu_a`) and `dL/dx`.
fn check_mlp<F, Net, const N0: usize, const NL: usize, const B: usize>(
    case: &Value,
    mut net: Net,
    hidden: impl Fn(&Net, &[[F; N0]; B]) -> Hidden<F>,
) where
    F: Float,
    Net: Module<[[F; N0]; B], Output = [[F; NL]; B]> + Params<F> + Clone,
{
    let id = case["id"].as_str().expect("id");
    load_layers(&mut net, case);

    let x: [[F; N0]; B] = arr2(&case["x"]);
    let (out, cache) = net.forward_train(&x);
    assert_eq!(net.forward(&x), out, "{id}: forward = forward_train");
    let (z, a) = (array(&case["z"]), array(&case["a"]));
    let hidden = hidden(&net, &x);
    assert_eq!(hidden.len() + 1, z.len(), "{id}: layer count");
    for (l, (zl, al)) in hidden.iter().enumerate() {
        assert_close(&format!("{id} z[{l}]"), zl, &flat(&z[l]));
        assert_close(&format!("{id} a[{l}]"), al, &flat(&a[l]));
    }
    let last = z.len() - 1;
    assert_close(
        &format!("{id} output z"),
        out.as_flattened(),
        &flat(&z[last]),
    );
    assert_close(
        &format!("{id} output a"),
        out.as_flattened(),
        &flat(&a[last]),
    );

    let (loss, dy) = match case["loss"].as_str().expect("loss") {
        "softmax_cross_entropy" => {
            let probs: [[F; NL]; B] = Softmax.forward(&out);
            assert_close(
                &format!("{id} probs"),
                probs.as_flattened(),
                &flat(&case["probs"]),
            );
            let target: [usize; B] = indices(&case["target"]);
            CrossEntropy
                .loss_and_grad(&out, &target)
                .expect("valid targets")
        }
        "mse" => {
            let target: [[F; NL]; B] = arr2(&case["target"]);
            nn_core::Mse
                .loss_and_grad(&out, &target)
                .expect("valid targets")
        }
        other => panic!("{id}: unknown loss {other}"),
    };
    let want_loss = case["loss_value"].as_f64().expect("loss_value");
    assert_close(&format!("{id} loss"), &[loss], &[want_loss]);
    let grad_z = array(&case["grad_z"]);
    assert_close(
        &format!("{id} grad_z[out]"),
        dy.as_flattened(),
        &flat(&grad_z[last]),
    );

    let mut grads = net.zeroed();
    let dx = net.backward(&x, &out, &cache, &dy, &mut grads);
    assert_close(
        &format!("{id} grad_x"),
        dx.as_flattened(),
        &flat(&case["grad_x"]),
    );

    let want_layers = tensors(&case["grad_layers"]);
    let want_slopes = case.get("grad_prelu_a").map(flat).unwrap_or_default();
    let (mut layer_i, mut slope_i) = (0, 0);
    for p in grads.params() {
        if p.kind == ParamKind::Other {
            let want = want_slopes.get(slope_i).copied().expect("grad_prelu_a");
            assert_close(&format!("{id} grad_prelu_a[{slope_i}]"), p.values, &[want]);
            slope_i += 1;
        } else {
            let want = &want_layers[layer_i];
            assert_close(&format!("{id} grad tensor {layer_i}"), p.values, want);
            layer_i += 1;
        }
    }
    assert_eq!(
        layer_i,
        want_layers.len(),
        "{id}: every layer gradient checked"
    );
    assert_eq!(
        slope_i,
        want_slopes.len(),
        "{id}: every slope gradient checked"
    );
}

/// Sets the weights and biases of `net` (in [`Params`] order) from `layers`,
/// and checks that PReLU slopes start at `activation_params.a`.
fn load_layers<F: Float, Net: Params<F>>(net: &mut Net, case: &Value) {
    let want = tensors(&case["layers"]);
    let mut loaded = 0;
    for p in net.params_mut() {
        if p.kind == ParamKind::Other {
            let a = param(&case["activation_params"], "a");
            assert_eq!(p.values, [F::from_f64(a)]);
            continue;
        }
        let values = &want[loaded];
        assert_eq!(p.values.len(), values.len(), "tensor {loaded} size");
        for (dst, &src) in p.values.iter_mut().zip(values) {
            *dst = F::from_f64(src);
        }
        loaded += 1;
    }
    assert_eq!(loaded, want.len(), "every tensor loaded");
}

/// `[{weight, bias}]` as flat tensors in the order weight, bias, weight, ...
fn tensors(layers: &Value) -> Vec<Vec<f64>> {
    array(layers)
        .iter()
        .flat_map(|l| [flat(&l["weight"]), flat(&l["bias"])])
        .collect()
}

fn array(v: &Value) -> &Vec<Value> {
    v.as_array().expect("array")
}

type Mlp3<F, A> = Seq![Dense<F, 3, 5>, A, Dense<F, 5, 4>, A, Dense<F, 4, 2>];
type Mlp2<F, A> = Seq![Dense<F, 2, 2>, A, Dense<F, 2, 1>];
type Maxout3<F> = Seq![Maxout<F, 3, 5, 2>, Maxout<F, 5, 4, 2>, Dense<F, 4, 2>];
type Maxout2<F> = Seq![Maxout<F, 2, 2, 3>, Dense<F, 2, 1>];

/// Hidden layers of a `3-5-4-2` network, computed layer by layer.
fn hidden3<F: Float, A, const B: usize>(net: &Mlp3<F, A>, x: &[[F; 3]; B]) -> Hidden<F>
where
    A: Module<[[F; 5]; B], Output = [[F; 5]; B]> + Module<[[F; 4]; B], Output = [[F; 4]; B]>,
{
    let z1: [[F; 5]; B] = net.first.forward(x);
    let a1: [[F; 5]; B] = net.second.first.forward(&z1);
    let z2: [[F; 4]; B] = net.second.second.first.forward(&a1);
    let a2: [[F; 4]; B] = net.second.second.second.first.forward(&z2);
    vec![
        (z1.as_flattened().to_vec(), a1.as_flattened().to_vec()),
        (z2.as_flattened().to_vec(), a2.as_flattened().to_vec()),
    ]
}

/// The hidden layer of a `2-2-1` network.
fn hidden2<F: Float, A, const B: usize>(net: &Mlp2<F, A>, x: &[[F; 2]; B]) -> Hidden<F>
where
    A: Module<[[F; 2]; B], Output = [[F; 2]; B]>,
{
    let z1: [[F; 2]; B] = net.first.forward(x);
    let a1: [[F; 2]; B] = net.second.first.forward(&z1);
    vec![(z1.as_flattened().to_vec(), a1.as_flattened().to_vec())]
}

/// Pieces (`[B][OUT·K]`) and outputs of a maxout layer.
fn maxout_layer<F: Float, const IN: usize, const OUT: usize, const K: usize, const B: usize>(
    layer: &Maxout<F, IN, OUT, K>,
    x: &[[F; IN]; B],
) -> ([[F; OUT]; B], Layer<F>) {
    let z: Vec<F> = x
        .iter()
        .flat_map(|row| layer.pre_activation(row).as_flattened().to_vec())
        .collect();
    let a: [[F; OUT]; B] = layer.forward(x);
    (a, (z, a.as_flattened().to_vec()))
}

fn hidden_maxout3<F: Float, const B: usize>(net: &Maxout3<F>, x: &[[F; 3]; B]) -> Hidden<F> {
    let (a1, l1) = maxout_layer(&net.first, x);
    let (_, l2) = maxout_layer(&net.second.first, &a1);
    vec![l1, l2]
}

fn hidden_maxout2<F: Float, const B: usize>(net: &Maxout2<F>, x: &[[F; 2]; B]) -> Hidden<F> {
    vec![maxout_layer(&net.first, x).1]
}

/// Binds `$act` to the case's hidden activation and evaluates `$body`.
macro_rules! with_activation {
    ($F:ty, $case:expr, $act:ident => $body:expr) => {{
        let p = &$case["activation_params"];
        let get = |key: &str| <$F as Float>::from_f64(param(p, key));
        match $case["activation"].as_str().expect("activation") {
            "sigmoid" => {
                let $act = Sigmoid;
                $body
            }
            "tanh" => {
                let $act = Tanh;
                $body
            }
            "relu" => {
                let $act = Relu;
                $body
            }
            "identity" => {
                let $act = Identity;
                $body
            }
            "leaky_relu" => {
                let $act = LeakyRelu::new(get("negative_slope"));
                $body
            }
            "prelu" => {
                let $act = Prelu::new(get("a"));
                $body
            }
            "elu" => {
                let $act = Elu::new(get("alpha"));
                $body
            }
            other => panic!("unknown activation {other}"),
        }
    }};
}

fn run_case<F: Float>(case: &Value) {
    let sizes: Vec<usize> = array(&case["sizes"])
        .iter()
        .map(|v| v.as_u64().expect("size") as usize)
        .collect();
    let batch = shape(&case["x"])[0];
    let act = case["activation"].as_str().expect("activation");
    let k = case["activation_params"]["k"].as_u64().map(|k| k as usize);
    match (sizes.as_slice(), act, k, batch) {
        ([3, 5, 4, 2], "maxout", Some(2), 4) => check_mlp::<F, Maxout3<F>, 3, 2, 4>(
            case,
            seq![Maxout::zeros(), Maxout::zeros(), Dense::zeros()],
            hidden_maxout3,
        ),
        ([2, 2, 1], "maxout", Some(3), 4) => check_mlp::<F, Maxout2<F>, 2, 1, 4>(
            case,
            seq![Maxout::zeros(), Dense::zeros()],
            hidden_maxout2,
        ),
        ([3, 5, 4, 2], _, None, 4) => with_activation!(F, case, act => check_mlp::<F, _, 3, 2, 4>(
            case,
            seq![Dense::zeros(), act, Dense::zeros(), act, Dense::zeros()],
            hidden3,
        )),
        ([2, 2, 1], _, None, 4) => with_activation!(F, case, act => check_mlp::<F, _, 2, 1, 4>(
            case,
            seq![Dense::zeros(), act, Dense::zeros()],
            hidden2,
        )),
        ([2, 2, 1], _, None, 1) => with_activation!(F, case, act => check_mlp::<F, _, 2, 1, 1>(
            case,
            seq![Dense::zeros(), act, Dense::zeros()],
            hidden2,
        )),
        (s, a, k, b) => panic!("no typed network for sizes {s:?}, {a} (k = {k:?}), batch {b}"),
    }
}

#[test]
fn every_mlp_case_matches_pytorch_in_f64() {
    let cases = cases("mlp");
    for case in &cases {
        run_case::<f64>(case);
    }
    assert_eq!(cases.len(), 18);
}

#[test]
fn every_mlp_case_matches_pytorch_in_f32() {
    for case in &cases("mlp") {
        run_case::<f32>(case);
    }
}

#[test]
fn the_worked_example_gives_the_course_numbers() {
    let net: Mlp2<f64, Identity> = seq![
        Dense::from_parts([[1.0, 1.0], [1.0, -1.0]], [0.0; 2]),
        Identity,
        Dense::from_parts([[1.0, -1.0]], [0.0]),
    ];
    let x = [[40.0, 0.0]];
    let (out, cache) = net.forward_train(&x);
    assert_eq!(out, [[0.0]]);
    let (loss, dy) = nn_core::Mse.loss_and_grad(&out, &[[1.0]]).unwrap();
    assert_eq!(loss, 1.0);
    let mut g = net.zeroed();
    let dx: [[f64; 2]; 1] = net.backward(&x, &out, &cache, &dy, &mut g);
    assert_eq!(g.second.second.weight, [[-80.0, -80.0]]);
    assert_eq!(g.first.weight, [[-80.0, 0.0], [80.0, 0.0]]);
    assert_eq!(dx, [[0.0, -4.0]]);
}

#[test]
fn batched_network_equals_per_sample() {
    let case = &cases("mlp")[4]; // the PReLU network: has a learnable slope too
    let mut net: Mlp3<f64, Prelu<f64>> = seq![
        Dense::zeros(),
        Prelu::new(0.25),
        Dense::zeros(),
        Prelu::new(0.25),
        Dense::zeros()
    ];
    load_layers(&mut net, case);
    let x: [[f64; 3]; 4] = arr2(&case["x"]);
    let target: [usize; 4] = indices(&case["target"]);
    let (out, cache) = net.forward_train(&x);
    let (_, dy) = CrossEntropy.loss_and_grad(&out, &target).unwrap();
    let mut gb = net.zeroed();
    let dxb: [[f64; 3]; 4] = net.backward(&x, &out, &cache, &dy, &mut gb);
    let mut gs = net.zeroed();
    for r in 0..4 {
        let (o, c) = net.forward_train(&x[r]);
        assert_eq!(o, out[r]);
        let dx: [f64; 3] = net.backward(&x[r], &o, &c, &dy[r], &mut gs);
        assert_eq!(dx, dxb[r]);
    }
    for (a, b) in gs.params().zip(gb.params()) {
        for (u, v) in a.values.iter().zip(b.values) {
            assert!((u - v).abs() <= 1e-15 * v.abs().max(1.0));
        }
    }
}
