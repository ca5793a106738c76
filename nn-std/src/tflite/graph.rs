//! Walks the subgraph's operators and collects the fully connected layers.

use nn_tflite_schema::planus;
use planus::ReadAsRoot;

use super::generated::tflite::{
    ActivationFunctionType, BufferRef, BuiltinOptionsRef, FullyConnectedOptionsWeightsFormat,
    ModelRef, OperatorCodeRef, OperatorRef, QuantizationParametersRef, TensorRef, TensorType,
};
use super::names::{operator_name, tensor_type_name};
use super::{Imported, Softmax, TfliteError};
use crate::quant::{FusedActivation, QLayerParams, QNetwork, QParams};

type Result<T> = core::result::Result<T, TfliteError>;
type Tables<'a, T> = planus::Vector<'a, planus::Result<T>>;

/// The operators this reader knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    FullyConnected,
    Quantize,
    Dequantize,
    Reshape,
    Softmax,
}

/// The subgraph's tensors and the model's buffers.
struct Graph<'a> {
    tensors: Tables<'a, TensorRef<'a>>,
    buffers: Tables<'a, BufferRef<'a>>,
}

/// One operator: its index, name, input and output tensor indices.
struct Op<'a> {
    index: usize,
    name: &'static str,
    inputs: planus::Vector<'a, i32>,
    output: usize,
    raw: OperatorRef<'a>,
}

pub(super) fn read_model(bytes: &[u8]) -> Result<Imported> {
    let model = ModelRef::read_as_root(bytes)?;
    let subgraphs = model
        .subgraphs()?
        .ok_or(TfliteError::Missing { what: "subgraphs" })?;
    if subgraphs.len() != 1 {
        return Err(TfliteError::Subgraphs {
            count: subgraphs.len(),
        });
    }
    let subgraph = subgraphs
        .first()
        .ok_or(TfliteError::Subgraphs { count: 0 })??;
    let missing = |what| TfliteError::Missing { what };
    let codes = model.operator_codes()?.ok_or(missing("operator codes"))?;
    let graph = Graph {
        tensors: subgraph.tensors()?.ok_or(missing("tensors"))?,
        buffers: model.buffers()?.ok_or(missing("buffers"))?,
    };
    let operators = subgraph.operators()?.ok_or(missing("operators"))?;
    let input = only_index(subgraph.inputs()?).ok_or(missing("single model input"))?;
    let output = only_index(subgraph.outputs()?).ok_or(missing("single model output"))?;

    let mut chain = Chain {
        current: input,
        layers: Vec::new(),
        float_input: false,
        float_output: false,
        softmax: None,
    };
    for (index, raw) in operators.iter().enumerate() {
        let raw = raw?;
        let code = builtin_code(&codes, raw.opcode_index()?)?;
        let (kind, name) = kind_of(index, code)?;
        let op = Op {
            index,
            name,
            inputs: raw.inputs()?.ok_or(TfliteError::BadTensor { op: index })?,
            output: single_output(index, &raw)?,
            raw,
        };
        chain.step(&graph, kind, &op)?;
    }
    if chain.current != output {
        return Err(TfliteError::Missing {
            what: "chain of operators from the model input to its output",
        });
    }
    if chain.layers.is_empty() {
        return Err(TfliteError::NoLayer);
    }
    Ok(Imported {
        network: QNetwork::new(chain.layers)?,
        float_input: chain.float_input,
        float_output: chain.float_output,
        softmax: chain.softmax,
    })
}

/// Where the walk is: the tensor the next operator must consume and what
/// was found so far.
struct Chain {
    current: usize,
    layers: Vec<QLayerParams>,
    float_input: bool,
    float_output: bool,
    softmax: Option<Softmax>,
}

impl Chain {
    fn step(&mut self, graph: &Graph<'_>, kind: Kind, op: &Op<'_>) -> Result<()> {
        let placement = TfliteError::Placement {
            op: op.index,
            name: op.name,
        };
        let x = op.input(0)?;
        // After DEQUANTIZE nothing may follow; after SOFTMAX only DEQUANTIZE.
        let closed = self.float_output || (self.softmax.is_some() && kind != Kind::Dequantize);
        if x != self.current || closed {
            return Err(placement);
        }
        match kind {
            Kind::Quantize => {
                if op.index != 0 {
                    return Err(placement);
                }
                graph.expect_type(x, TensorType::Float32)?;
                graph.expect_type(op.output, TensorType::Int8)?;
                self.float_input = true;
            }
            Kind::Dequantize => {
                graph.expect_type(x, TensorType::Int8)?;
                graph.expect_type(op.output, TensorType::Float32)?;
                self.float_output = true;
            }
            Kind::Reshape => graph.reshape(op, x)?,
            Kind::Softmax => self.softmax = Some(graph.softmax(op, x)?),
            Kind::FullyConnected => self.layers.push(graph.fully_connected(op, x)?),
        }
        self.current = op.output;
        Ok(())
    }
}

impl<'a> Op<'a> {
    /// Input `k` as a tensor index (`None` for an absent optional input).
    fn optional_input(&self, k: usize) -> Result<Option<usize>> {
        match self.inputs.get(k) {
            Some(-1) => Ok(None),
            Some(t) => usize::try_from(t)
                .map(Some)
                .map_err(|_| TfliteError::BadTensor { op: self.index }),
            None => Ok(None),
        }
    }

    fn input(&self, k: usize) -> Result<usize> {
        self.optional_input(k)?
            .ok_or(TfliteError::BadTensor { op: self.index })
    }
}

impl<'a> Graph<'a> {
    fn tensor(&self, t: usize) -> Result<TensorRef<'a>> {
        Ok(self.tensors.get(t).ok_or(TfliteError::Missing {
            what: "tensor (an index is out of range)",
        })??)
    }

    fn tensor_type(&self, t: usize) -> Result<TensorType> {
        Ok(self.tensor(t)?.type_()?)
    }

    fn expect_type(&self, t: usize, expected: TensorType) -> Result<()> {
        let found = self.tensor_type(t)?;
        if found == expected {
            return Ok(());
        }
        Err(TfliteError::TensorType {
            tensor: t,
            expected: tensor_type_name(expected as i8),
            found: tensor_type_name(found as i8),
        })
    }

    /// An int8 tensor that a kernel consumes as int8: float gives
    /// [`TfliteError::FloatModel`].
    fn expect_int8(&self, t: usize) -> Result<()> {
        if self.tensor_type(t)? == TensorType::Float32 {
            return Err(TfliteError::FloatModel { tensor: t });
        }
        self.expect_type(t, TensorType::Int8)
    }

    fn shape(&self, t: usize) -> Result<Vec<usize>> {
        let shape = self
            .tensor(t)?
            .shape()?
            .ok_or(TfliteError::Shape { tensor: t })?;
        shape
            .iter()
            .map(|d| usize::try_from(d).map_err(|_| TfliteError::Shape { tensor: t }))
            .collect()
    }

    /// Number of elements, or a shape error when it overflows.
    fn elements(&self, t: usize) -> Result<usize> {
        self.shape(t)?
            .iter()
            .try_fold(1usize, |n, &d| n.checked_mul(d))
            .ok_or(TfliteError::Shape { tensor: t })
    }

    fn quantization(&self, t: usize) -> Result<QuantizationParametersRef<'a>> {
        self.tensor(t)?
            .quantization()?
            .ok_or(TfliteError::Quantization { tensor: t })
    }

    /// The scales and zero points of tensor `t` (equal in number, at least one).
    fn scales_and_zero_points(&self, t: usize) -> Result<(Vec<f32>, Vec<i64>)> {
        let q = self.quantization(t)?;
        let bad = TfliteError::Quantization { tensor: t };
        let scales: Vec<f32> = q.scale()?.ok_or(bad)?.iter().collect();
        let zero_points: Vec<i64> = q.zero_point()?.ok_or(bad)?.iter().collect();
        let good_scales = scales.iter().all(|&s| s.is_finite() && s > 0.0);
        if scales.is_empty() || scales.len() != zero_points.len() || !good_scales {
            return Err(bad);
        }
        Ok((scales, zero_points))
    }

    /// The single scale and int8 zero point of an activation tensor.
    fn activation_params(&self, t: usize) -> Result<QParams> {
        let (scales, zero_points) = self.scales_and_zero_points(t)?;
        match (&scales[..], &zero_points[..]) {
            (&[scale], &[zp]) if (-128..=127).contains(&zp) => Ok(QParams {
                scale,
                zero_point: zp as i32,
            }),
            _ => Err(TfliteError::Quantization { tensor: t }),
        }
    }

    /// The constant bytes of tensor `t`, which must number `expected`.
    fn data(&self, t: usize, expected: usize) -> Result<&'a [u8]> {
        let tensor = self.tensor(t)?;
        if tensor.sparsity()?.is_some() {
            return Err(TfliteError::UnsupportedStorage { tensor: t });
        }
        let buffer = self
            .buffers
            .get(tensor.buffer()? as usize)
            .ok_or(TfliteError::NotConstant { tensor: t })??;
        // TFLite marks data stored after the flatbuffer with an offset above 1.
        if buffer.offset()? > 1 {
            return Err(TfliteError::UnsupportedStorage { tensor: t });
        }
        let data = buffer.data()?.unwrap_or(&[]);
        if data.is_empty() {
            return Err(TfliteError::NotConstant { tensor: t });
        }
        if data.len() != expected {
            return Err(TfliteError::BufferSize {
                tensor: t,
                expected,
                found: data.len(),
            });
        }
        Ok(data)
    }

    fn reshape(&self, op: &Op<'_>, x: usize) -> Result<()> {
        let y = op.output;
        self.expect_int8(x)?;
        self.expect_int8(y)?;
        if self.elements(x)? != self.elements(y)? {
            return Err(TfliteError::Shape { tensor: y });
        }
        if self.activation_params(x)? != self.activation_params(y)? {
            return Err(TfliteError::QuantizationMismatch { op: op.index });
        }
        Ok(())
    }

    fn softmax(&self, op: &Op<'_>, x: usize) -> Result<Softmax> {
        self.expect_int8(x)?;
        self.expect_int8(op.output)?;
        let beta = match op.raw.builtin_options()? {
            Some(BuiltinOptionsRef::SoftmaxOptions(o)) => o.beta()?,
            _ => {
                return Err(TfliteError::Missing {
                    what: "softmax options",
                });
            }
        };
        Ok(Softmax {
            beta,
            output: self.activation_params(op.output)?,
        })
    }

    fn fully_connected(&self, op: &Op<'_>, x: usize) -> Result<QLayerParams> {
        let options = match op.raw.builtin_options()? {
            Some(BuiltinOptionsRef::FullyConnectedOptions(o)) => o,
            _ => {
                return Err(TfliteError::Missing {
                    what: "fully connected options",
                });
            }
        };
        let unsupported = |what| TfliteError::UnsupportedOption { op: op.index, what };
        if options.weights_format()? != FullyConnectedOptionsWeightsFormat::Default {
            return Err(unsupported("weights format SHUFFLED4x16INT8"));
        }
        let activation = match options.fused_activation_function()? {
            ActivationFunctionType::None => FusedActivation::None,
            ActivationFunctionType::Relu => FusedActivation::Relu,
            ActivationFunctionType::Relu6 => FusedActivation::Relu6,
            ActivationFunctionType::ReluN1To1 => {
                return Err(unsupported("fused activation RELU_N1_TO_1"));
            }
            ActivationFunctionType::Tanh => return Err(unsupported("fused activation TANH")),
            ActivationFunctionType::SignBit => {
                return Err(unsupported("fused activation SIGN_BIT"));
            }
        };
        let (w, y) = (op.input(1)?, op.output);
        for t in [x, w, y] {
            self.expect_int8(t)?;
        }
        let [out_features, in_features] = self.shape(w)?[..] else {
            return Err(TfliteError::Shape { tensor: w });
        };
        // TFLite flattens the input to [elements / in, in]; the output's
        // last dimension is the layer's width.
        let rows = |t, width: usize, last_is_width: bool| -> Result<usize> {
            let elements = self.elements(t)?;
            let last_fits = !last_is_width || self.shape(t)?.last() == Some(&width);
            match elements.checked_rem(width) {
                Some(0) if last_fits && elements > 0 => Ok(elements / width),
                _ => Err(TfliteError::Shape { tensor: t }),
            }
        };
        if rows(x, in_features, false)? != rows(y, out_features, true)? {
            return Err(TfliteError::Shape { tensor: y });
        }
        let input = self.activation_params(x)?;
        let output = self.activation_params(y)?;
        let weight_scales = self.weight_scales(w, out_features)?;
        let count = in_features
            .checked_mul(out_features)
            .ok_or(TfliteError::Shape { tensor: w })?;
        let weights = self.data(w, count)?.iter().map(|&b| b as i8).collect();
        let bias = match op.optional_input(2)? {
            Some(b) => Some(self.bias(b, out_features, input.scale, &weight_scales)?),
            None => None,
        };
        Ok(QLayerParams {
            in_features,
            out_features,
            weights,
            bias,
            input,
            output,
            weight_scales,
            activation,
        })
    }

    /// Symmetric weight scales: one, or one per output row along dimension 0.
    fn weight_scales(&self, w: usize, rows: usize) -> Result<Vec<f32>> {
        let (scales, zero_points) = self.scales_and_zero_points(w)?;
        if let Some(&zero_point) = zero_points.iter().find(|&&z| z != 0) {
            return Err(TfliteError::AsymmetricWeights {
                tensor: w,
                zero_point,
            });
        }
        let per_channel = scales.len() > 1;
        let dimension = self.quantization(w)?.quantized_dimension()?;
        if per_channel && (scales.len() != rows || dimension != 0) {
            return Err(TfliteError::Quantization { tensor: w });
        }
        Ok(scales)
    }

    /// The int32 bias, checked against `s_in · s_w` as TFLite does.
    fn bias(
        &self,
        b: usize,
        rows: usize,
        input_scale: f32,
        weight_scales: &[f32],
    ) -> Result<Vec<i32>> {
        self.expect_type(b, TensorType::Int32)?;
        if self.elements(b)? != rows {
            return Err(TfliteError::Shape { tensor: b });
        }
        let (scales, zero_points) = self.scales_and_zero_points(b)?;
        if scales.len() != weight_scales.len() || zero_points.iter().any(|&z| z != 0) {
            return Err(TfliteError::Quantization { tensor: b });
        }
        for (channel, (&bias_scale, &weight_scale)) in scales.iter().zip(weight_scales).enumerate()
        {
            // GetQuantizedConvolutionMultipler: |s_in·s_w − s_b| ≤ 1e-6 · min(s_in·s_w, s_b).
            let product = f64::from(input_scale * weight_scale);
            let bias_scale = f64::from(bias_scale);
            if (product - bias_scale).abs() > 1e-6 * product.min(bias_scale) {
                return Err(TfliteError::BiasScale { tensor: b, channel });
            }
        }
        let data = self.data(b, rows * 4)?;
        Ok(data
            .chunks_exact(4)
            .map(|c| i32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect())
    }
}

/// TFLite's rule for an operator code: the larger of the deprecated byte
/// code and the 32-bit one (`GetBuiltinCode` in schema_utils.cc).
fn builtin_code(codes: &Tables<'_, OperatorCodeRef<'_>>, index: u32) -> Result<i32> {
    let code = codes.get(index as usize).ok_or(TfliteError::Missing {
        what: "operator code (an index is out of range)",
    })??;
    let deprecated = i32::from(code.deprecated_builtin_code()?);
    let builtin = code.builtin_code()? as i32;
    Ok(deprecated.max(builtin))
}

fn kind_of(op: usize, code: i32) -> Result<(Kind, &'static str)> {
    let name = operator_name(code).ok_or(TfliteError::UnknownOperatorCode { op, code })?;
    let kind = match name {
        "FULLY_CONNECTED" => Kind::FullyConnected,
        "QUANTIZE" => Kind::Quantize,
        "DEQUANTIZE" => Kind::Dequantize,
        "RESHAPE" => Kind::Reshape,
        "SOFTMAX" => Kind::Softmax,
        _ => return Err(TfliteError::UnsupportedOperator { op, name }),
    };
    Ok((kind, name))
}

/// The only index of a one-element index vector.
fn only_index(indices: Option<planus::Vector<'_, i32>>) -> Option<usize> {
    let indices = indices?;
    match indices.len() {
        1 => usize::try_from(indices.first()?).ok(),
        _ => None,
    }
}

fn single_output(op: usize, raw: &OperatorRef<'_>) -> Result<usize> {
    only_index(raw.outputs()?).ok_or(TfliteError::BadTensor { op })
}
