//! Error paths and optional operators, on edited copies of the reference
//! Digits model (decoded with planus' owned types, changed, re-encoded).

use nn_tflite_schema::planus;
use planus::ReadAsRoot;

use super::generated::tflite::{
    ActivationFunctionType, BuiltinOperator, BuiltinOptions, Model, ModelRef, Operator,
    OperatorCode, SoftmaxOptions, SubGraph, Tensor, TensorType,
};
use super::{Imported, Softmax, TfliteError, read};
use crate::quant::QParams;

const DIGITS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../shared/reference/int8/digits_mlp_int8.tflite"
);

fn digits() -> Model {
    let bytes = std::fs::read(DIGITS).expect("digits model");
    Model::try_from(ModelRef::read_as_root(&bytes).expect("root")).expect("owned")
}

/// Encodes `model` with TFLite's file identifier at bytes 4..8. (planus
/// 1.3's `finish` with an identifier writes it before the root offset, so
/// the identifier is inserted here: only the root offset, the one offset
/// that spans it, grows by 4.)
fn encode(model: &Model) -> Vec<u8> {
    let mut bytes = planus::Builder::new().finish(model, None).to_vec();
    let root = u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]) + 4;
    bytes[..4].copy_from_slice(&root.to_le_bytes());
    bytes.splice(4..4, *b"TFL3");
    bytes
}

fn read_edited(edit: impl FnOnce(&mut Model)) -> Result<Imported, TfliteError> {
    let mut model = digits();
    edit(&mut model);
    read(&encode(&model))
}

fn subgraph(model: &mut Model) -> &mut SubGraph {
    &mut model.subgraphs.as_mut().expect("subgraphs")[0]
}

fn op(model: &mut Model, k: usize) -> &mut Operator {
    &mut subgraph(model).operators.as_mut().expect("operators")[k]
}

fn tensor(model: &mut Model, t: i32) -> &mut Tensor {
    &mut subgraph(model).tensors.as_mut().expect("tensors")[t as usize]
}

/// Input `k` of operator `op_index`.
fn input_of(model: &mut Model, op_index: usize, k: usize) -> i32 {
    op(model, op_index).inputs.as_ref().expect("inputs")[k]
}

fn add_code(model: &mut Model, code: BuiltinOperator) -> u32 {
    let codes = model.operator_codes.as_mut().expect("codes");
    codes.push(OperatorCode {
        deprecated_builtin_code: (code as i32).min(127) as i8,
        custom_code: None,
        version: 1,
        builtin_code: code,
    });
    codes.len() as u32 - 1
}

/// Appends a copy of tensor `t` and returns its index.
fn copy_tensor(model: &mut Model, t: i32) -> i32 {
    let copy = tensor(model, t).clone();
    let tensors = subgraph(model).tensors.as_mut().expect("tensors");
    tensors.push(copy);
    tensors.len() as i32 - 1
}

fn original() -> Imported {
    read(&std::fs::read(DIGITS).expect("digits model")).expect("digits")
}

#[test]
fn re_encoding_keeps_the_model() {
    assert_eq!(read_edited(|_| {}).expect("re-encoded"), original());
}

#[test]
fn unsupported_operators_are_named() {
    for (code, name) in [
        (BuiltinOperator::Conv2d, "CONV_2D"),
        (BuiltinOperator::Custom, "CUSTOM"),
        (BuiltinOperator::StablehloCase, "STABLEHLO_CASE"),
    ] {
        let error = read_edited(|m| op(m, 1).opcode_index = add_code(m, code)).unwrap_err();
        assert!(
            matches!(error, TfliteError::UnsupportedOperator { op: 1, name: n } if n == name),
            "{error:?}"
        );
    }
}

#[test]
fn asymmetric_weights_are_refused() {
    let error = read_edited(|m| {
        let w = input_of(m, 0, 1);
        let q = tensor(m, w).quantization.as_mut().expect("quantization");
        q.zero_point.as_mut().expect("zero points")[3] = 5;
    })
    .unwrap_err();
    assert!(
        matches!(error, TfliteError::AsymmetricWeights { zero_point: 5, .. }),
        "{error:?}"
    );
}

/// Multiplies the bias scale of channel 2 of the first layer by `factor`.
fn bias_scale_times(factor: f32) -> Result<Imported, TfliteError> {
    read_edited(|m| {
        let b = input_of(m, 0, 2);
        let q = tensor(m, b).quantization.as_mut().expect("quantization");
        q.scale.as_mut().expect("scales")[2] *= factor;
    })
}

#[test]
fn bias_scale_must_match_input_times_weight_scale() {
    // TFLite's tolerance is a relative 1e-6.
    let error = bias_scale_times(1.00001).unwrap_err();
    assert!(
        matches!(error, TfliteError::BiasScale { channel: 2, .. }),
        "{error:?}"
    );
    assert_eq!(
        bias_scale_times(1.0000002).expect("within 1e-6"),
        original()
    );
}

#[test]
fn wrong_sizes_and_types_are_refused() {
    let short = read_edited(|m| {
        let w = input_of(m, 0, 1);
        let buffer = tensor(m, w).buffer as usize;
        model_buffer(m, buffer).pop();
    });
    assert!(
        matches!(
            short,
            Err(TfliteError::BufferSize {
                expected: 2048,
                found: 2047,
                ..
            })
        ),
        "{short:?}"
    );
    let wide = read_edited(|m| {
        let w = input_of(m, 0, 1);
        tensor(m, w).shape = Some(vec![32, 65]);
    });
    assert!(matches!(wide, Err(TfliteError::Shape { .. })), "{wide:?}");
    // TFLite flattens an input of [1, 8, 8] to [1, 64].
    let square = read_edited(|m| {
        let x = input_of(m, 0, 0);
        tensor(m, x).shape = Some(vec![1, 8, 8]);
    });
    assert_eq!(square.expect("flattened input"), original());
    let batch_mismatch = read_edited(|m| {
        let x = input_of(m, 0, 0);
        tensor(m, x).shape = Some(vec![2, 64]);
    });
    assert!(
        matches!(batch_mismatch, Err(TfliteError::Shape { .. })),
        "{batch_mismatch:?}"
    );
    let bias64 = read_edited(|m| {
        let b = input_of(m, 1, 2);
        tensor(m, b).type_ = TensorType::Int64;
    });
    assert!(
        matches!(
            bias64,
            Err(TfliteError::TensorType {
                expected: "INT32",
                found: "INT64",
                ..
            })
        ),
        "{bias64:?}"
    );
}

fn model_buffer(model: &mut Model, b: usize) -> &mut Vec<u8> {
    let buffers = model.buffers.as_mut().expect("buffers");
    buffers[b].data.as_mut().expect("data")
}

#[test]
fn unsupported_activation_is_named() {
    let error = read_edited(|m| {
        if let Some(BuiltinOptions::FullyConnectedOptions(o)) = &mut op(m, 0).builtin_options {
            o.fused_activation_function = ActivationFunctionType::Tanh;
        }
    })
    .unwrap_err();
    assert!(
        matches!(
            error,
            TfliteError::UnsupportedOption {
                op: 0,
                what: "fused activation TANH"
            }
        ),
        "{error:?}"
    );
}

#[test]
fn two_subgraphs_are_refused() {
    let error = read_edited(|m| {
        let copy = subgraph(m).clone();
        m.subgraphs.as_mut().expect("subgraphs").push(copy);
    })
    .unwrap_err();
    assert!(
        matches!(error, TfliteError::Subgraphs { count: 2 }),
        "{error:?}"
    );
}

/// Puts a RESHAPE between the two layers: the hidden tensor `h` is copied
/// to `h2` (with `edit` applied), RESHAPE maps `h` to `h2`, the second layer
/// reads `h2`.
fn with_reshape(edit: impl FnOnce(&mut Tensor)) -> Result<Imported, TfliteError> {
    read_edited(|m| {
        let h = input_of(m, 1, 0);
        let h2 = copy_tensor(m, h);
        edit(tensor(m, h2));
        op(m, 1).inputs.as_mut().expect("inputs")[0] = h2;
        let reshape = Operator {
            opcode_index: add_code(m, BuiltinOperator::Reshape),
            inputs: Some(vec![h, -1]),
            outputs: Some(vec![h2]),
            builtin_options: None,
        };
        subgraph(m)
            .operators
            .as_mut()
            .expect("operators")
            .insert(1, reshape);
    })
}

#[test]
fn reshape_is_a_pass_through_when_it_keeps_the_quantization() {
    assert_eq!(
        with_reshape(|t| t.shape = Some(vec![32])).expect("reshape"),
        original()
    );
    let requantizing = with_reshape(|t| {
        let q = t.quantization.as_mut().expect("quantization");
        q.zero_point = Some(vec![0]);
    });
    assert!(
        matches!(
            requantizing,
            Err(TfliteError::QuantizationMismatch { op: 1 })
        ),
        "{requantizing:?}"
    );
    let growing = with_reshape(|t| t.shape = Some(vec![1, 33]));
    assert!(
        matches!(growing, Err(TfliteError::Shape { .. })),
        "{growing:?}"
    );
}

/// Appends SOFTMAX after the logits `y`, writing a new output tensor.
fn append_softmax(m: &mut Model) {
    let y = subgraph(m).outputs.as_ref().expect("outputs")[0];
    let p = copy_tensor(m, y);
    let q = tensor(m, p).quantization.as_mut().expect("quantization");
    (q.scale, q.zero_point) = (Some(vec![1.0 / 256.0]), Some(vec![-128]));
    let softmax = Operator {
        opcode_index: add_code(m, BuiltinOperator::Softmax),
        inputs: Some(vec![y]),
        outputs: Some(vec![p]),
        builtin_options: Some(BuiltinOptions::SoftmaxOptions(Box::new(SoftmaxOptions {
            beta: 1.0,
        }))),
    };
    subgraph(m)
        .operators
        .as_mut()
        .expect("operators")
        .push(softmax);
    subgraph(m).outputs = Some(vec![p]);
}

#[test]
fn a_final_softmax_is_recorded() {
    let imported = read_edited(append_softmax).expect("softmax");
    assert_eq!(imported.network, original().network);
    let output = QParams {
        scale: 1.0 / 256.0,
        zero_point: -128,
    };
    assert_eq!(imported.softmax, Some(Softmax { beta: 1.0, output }));
}

#[test]
fn operators_out_of_place_are_refused() {
    // Anything after SOFTMAX but DEQUANTIZE.
    let error = read_edited(|m| {
        append_softmax(m);
        let again = subgraph(m).operators.as_ref().expect("operators")[2].clone();
        subgraph(m)
            .operators
            .as_mut()
            .expect("operators")
            .push(again);
    })
    .unwrap_err();
    assert!(
        matches!(
            error,
            TfliteError::Placement {
                op: 3,
                name: "SOFTMAX"
            }
        ),
        "{error:?}"
    );
    // An operator that does not read the previous one's output.
    let error = read_edited(|m| {
        let x = input_of(m, 0, 0);
        op(m, 1).inputs.as_mut().expect("inputs")[0] = x;
    })
    .unwrap_err();
    assert!(
        matches!(
            error,
            TfliteError::Placement {
                op: 1,
                name: "FULLY_CONNECTED"
            }
        ),
        "{error:?}"
    );
}
