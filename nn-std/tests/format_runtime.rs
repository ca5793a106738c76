//! Model files and runtime-shaped networks: typed -> file -> runtime gives
//! the same outputs, runtime -> file -> typed gives the same network.

use nn_core::{
    Dense, Elu, LeakyRelu, LogSoftmax, Maxout, Module, Params, Prelu, Seq, Sigmoid, Softmax, Tanh,
};
use nn_format::{LoadError, Loadable, ScalarType};
use nn_std::io::model_file::{RuntimeLoadError, SaveError, load_runtime, save, save_runtime};
use nn_std::runtime::{LayerSpec, Network};

type AllKinds = Seq![
    Dense<f64, 4, 6>,
    LeakyRelu<f64>,
    Maxout<f64, 6, 3, 2>,
    Prelu<f64>,
    Dense<f64, 3, 5>,
    Elu<f64>,
    Sigmoid,
    Tanh,
    Dense<f64, 5, 3>,
    Softmax,
    LogSoftmax
];

fn typed() -> AllKinds {
    let mut net = AllKinds::default();
    for (i, v) in net
        .params_mut()
        .flat_map(|p| p.values.iter_mut())
        .enumerate()
    {
        *v = ((i * 7 % 13) as f64 - 6.0) * 0.21;
    }
    net.second.first.slope = 0.15;
    net.second.second.second.second.second.first.alpha = 0.8;
    net
}

#[test]
fn typed_file_loads_as_a_runtime_network_with_identical_outputs() {
    let net = typed();
    let rt = load_runtime::<f64>(&save(&net).unwrap()).unwrap();
    assert_eq!(rt.inputs(), 4);
    assert_eq!(rt.outputs(), 3);
    // The file's maxout becomes Dense{6} + Maxout{2}.
    assert_eq!(rt.num_layers(), 12);
    assert_eq!(
        rt.specs().nth(1),
        Some(&LayerSpec::LeakyRelu { slope: 0.15 })
    );
    assert_eq!(rt.num_params(), net.num_params());
    for x in [[0.5, -1.0, 2.0, -0.25], [3.0, 0.0, -2.0, 1.0]] {
        let a = rt.forward(&x).unwrap();
        let b = net.forward(&x);
        assert_eq!(
            a.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
            b.map(f64::to_bits)
        );
    }
}

#[test]
fn runtime_network_saves_to_the_same_file_as_the_typed_one() {
    let net = typed();
    let bytes = save(&net).unwrap();
    let rt = load_runtime::<f64>(&bytes).unwrap();
    let again = save_runtime(&rt, None).unwrap();
    assert_eq!(again, bytes);
    assert_eq!(AllKinds::load(&again).unwrap(), net);
}

#[test]
fn runtime_errors() {
    let bytes = save(&typed()).unwrap();
    assert_eq!(
        load_runtime::<f32>(&bytes).unwrap_err(),
        RuntimeLoadError::Load(LoadError::ScalarType {
            expected: ScalarType::F32,
            found: ScalarType::F64
        })
    );
    // A network of activations only has no known input width.
    let only_act = save::<f32, _>(&nn_core::Relu).unwrap();
    assert_eq!(
        load_runtime::<f32>(&only_act).unwrap_err(),
        RuntimeLoadError::UnknownInputWidth
    );
    // A maxout that does not follow a dense layer has no file form.
    let rt = Network::<f32>::new(4, &[LayerSpec::Maxout { k: 2 }]).unwrap();
    assert!(matches!(
        save_runtime(&rt, None),
        Err(SaveError::Unrepresentable { layer: 0 })
    ));
}
