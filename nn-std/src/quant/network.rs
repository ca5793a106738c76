//! [`QNetwork`]: int8 fully connected layers in a `Vec`.

use nn_core::quant::{OutputStage, QDense, Requant, dequantize, fold_input_zero_point};
use nn_core::quant::{fully_connected, quantize};
use nn_core::quant::{per_channel_multiplier, per_tensor_multiplier, quantize_multiplier};

use super::{QLayerParams, QNetworkError, QParams};

/// A chain of int8 fully connected layers with run-time shapes, bit-exact
/// with TensorFlow Lite Micro (see the [module docs](super)).
#[derive(Clone, Debug, PartialEq)]
pub struct QNetwork {
    layers: Vec<Layer>,
}

/// A checked layer: its parameters and what the kernel reads.
#[derive(Clone, Debug, PartialEq)]
struct Layer {
    params: QLayerParams,
    /// The bias with `−zp_in · Σ w` folded in (zeros without a bias).
    folded_bias: Vec<i32>,
    /// Q31 multiplier per output.
    multiplier: Vec<i32>,
    /// Shift per output.
    shift: Vec<i32>,
    /// Activation clamp.
    min: i8,
    max: i8,
}

impl Layer {
    fn new(layer: usize, params: QLayerParams) -> Result<Self, QNetworkError> {
        let (n_in, n_out) = (params.in_features, params.out_features);
        if n_in == 0 || n_out == 0 {
            return Err(QNetworkError::ZeroFeatures { layer });
        }
        let weights = n_in
            .checked_mul(n_out)
            .ok_or(QNetworkError::TooLarge { layer })?;
        let length = |what, expected, found| {
            let error = QNetworkError::Length {
                layer,
                what,
                expected,
                found,
            };
            if expected == found {
                Ok(())
            } else {
                Err(error)
            }
        };
        length("weights", weights, params.weights.len())?;
        if let Some(bias) = &params.bias {
            length("bias", n_out, bias.len())?;
        }
        let per_tensor = params.weight_scales.len() == 1;
        if !per_tensor {
            length("weight_scales", n_out, params.weight_scales.len())?;
        }
        for (what, q) in [("input", params.input), ("output", params.output)] {
            if !(i8::MIN as i32..=i8::MAX as i32).contains(&q.zero_point) {
                return Err(QNetworkError::ZeroPoint {
                    layer,
                    what,
                    zero_point: q.zero_point,
                });
            }
            check_scale(layer, what, q.scale)?;
        }
        for &s in &params.weight_scales {
            check_scale(layer, "weight", s)?;
        }

        let (s_in, s_out) = (params.input.scale, params.output.scale);
        let mut multiplier = Vec::with_capacity(n_out);
        let mut shift = Vec::with_capacity(n_out);
        for channel in 0..n_out {
            let real = if per_tensor {
                per_tensor_multiplier(s_in, params.weight_scales[0], s_out)
            } else {
                per_channel_multiplier(s_in, params.weight_scales[channel], s_out)
            };
            let (m, s) = quantize_multiplier(real);
            if s > 30 {
                return Err(QNetworkError::Multiplier { layer, channel });
            }
            multiplier.push(m);
            shift.push(s);
        }
        let (min, max) = params
            .activation
            .bounds(s_out, params.output.zero_point)
            .map_err(|_| QNetworkError::Scale {
                layer,
                what: "output",
            })?;
        let rows = params.weights.chunks_exact(n_in);
        let bias = |o| params.bias.as_ref().map_or(0, |b: &Vec<i32>| b[o]);
        let zp_in = params.input.zero_point;
        let folded_bias = rows
            .enumerate()
            .map(|(o, row)| fold_input_zero_point(row, bias(o), zp_in))
            .collect();
        Ok(Layer {
            params,
            folded_bias,
            multiplier,
            shift,
            min,
            max,
        })
    }

    /// One sample through the layer.
    fn forward(&self, x: &[i8], y: &mut [i8]) {
        let stage = OutputStage {
            multiplier: &self.multiplier,
            shift: &self.shift,
            zero_point: self.params.output.zero_point,
            min: self.min,
            max: self.max,
        };
        fully_connected(x, &self.params.weights, &self.folded_bias, &stage, y);
    }
}

fn check_scale(layer: usize, what: &'static str, scale: f32) -> Result<(), QNetworkError> {
    if scale > 0.0 && scale.is_finite() {
        Ok(())
    } else {
        Err(QNetworkError::Scale { layer, what })
    }
}

impl QNetwork {
    /// Checks the layers and derives their requantization: sizes and vector
    /// lengths, consecutive layers sharing width and quantization, zero
    /// points in `[-128, 127]`, positive finite scales, factors below 2^30.
    /// The error names the first offending layer.
    pub fn new(layers: Vec<QLayerParams>) -> Result<Self, QNetworkError> {
        if layers.is_empty() {
            return Err(QNetworkError::NoLayers);
        }
        let mut checked: Vec<Layer> = Vec::with_capacity(layers.len());
        for (layer, params) in layers.into_iter().enumerate() {
            if let Some(prev) = checked.last().map(|l| &l.params) {
                if params.in_features != prev.out_features {
                    let (expected, found) = (prev.out_features, params.in_features);
                    return Err(QNetworkError::Width {
                        layer,
                        expected,
                        found,
                    });
                }
                let (a, b) = (prev.output, params.input);
                if a.scale.to_bits() != b.scale.to_bits() || a.zero_point != b.zero_point {
                    return Err(QNetworkError::Chain { layer });
                }
            }
            checked.push(Layer::new(layer, params)?);
        }
        Ok(QNetwork { layers: checked })
    }

    /// The layers' parameters, as given to [`new`](Self::new).
    pub fn layers(&self) -> impl Iterator<Item = &QLayerParams> {
        self.layers.iter().map(|l| &l.params)
    }

    /// The Q31 multipliers and shifts of layer `layer` (one per output), as
    /// TFLite's `QuantizeMultiplier` derives them from the scales.
    pub fn requantization(&self, layer: usize) -> Option<(&[i32], &[i32])> {
        self.layers
            .get(layer)
            .map(|l| (&l.multiplier[..], &l.shift[..]))
    }

    /// The int8 output clamp `(min, max)` of layer `layer` (its fused
    /// activation, as TFLite's `CalculateActivationRangeQuantized`).
    pub fn activation_bounds(&self, layer: usize) -> Option<(i8, i8)> {
        self.layers.get(layer).map(|l| (l.min, l.max))
    }

    /// Layer `layer` as the typed const-generic [`QDense`] (same kernel,
    /// same bits), or `None` when there is no such layer or its sizes are
    /// not `IN` × `OUT`.
    ///
    /// ```
    /// # use nn_core::quant::{FusedActivation, Infer};
    /// # use nn_std::quant::{QLayerParams, QNetwork, QParams};
    /// # let q = QParams { scale: 0.125, zero_point: 0 };
    /// # let activation = FusedActivation::None;
    /// # let layer = QLayerParams { in_features: 2, out_features: 1, weights: vec![64, -3], bias: None, input: q, output: q, weight_scales: vec![0.03125], activation };
    /// let net = QNetwork::new(vec![layer])?;
    /// let dense = net.dense::<2, 1>(0).unwrap();
    /// assert_eq!(dense.infer(&[12, 40]), net.forward(&[12, 40])?[..]);
    /// assert!(net.dense::<3, 1>(0).is_none());
    /// # Ok::<(), nn_std::quant::QNetworkError>(())
    /// ```
    pub fn dense<const IN: usize, const OUT: usize>(
        &self,
        layer: usize,
    ) -> Option<QDense<IN, OUT>> {
        let l = self.layers.get(layer)?;
        let p = &l.params;
        // Also keeps `chunks_exact` away from IN = 0 (`new` refuses zero inputs).
        if (p.in_features, p.out_features) != (IN, OUT) {
            return None;
        }
        let requant = Requant {
            multiplier: l.multiplier.clone().try_into().ok()?,
            shift: l.shift.clone().try_into().ok()?,
            zero_point: p.output.zero_point,
            min: l.min,
            max: l.max,
        };
        let rows: Vec<[i8; IN]> = p
            .weights
            .chunks_exact(IN)
            .map(|r| r.try_into().ok())
            .collect::<Option<_>>()?;
        let weight = rows.try_into().ok()?;
        let bias = p.bias.clone().unwrap_or_else(|| vec![0; p.out_features]);
        QDense::new(weight, bias.try_into().ok()?, p.input.zero_point, requant).ok()
    }

    /// Inputs per sample.
    pub fn inputs(&self) -> usize {
        self.first().in_features
    }

    /// Outputs per sample.
    pub fn outputs(&self) -> usize {
        self.last().out_features
    }

    /// Quantization of the network's input.
    pub fn input_quantization(&self) -> QParams {
        self.first().input
    }

    /// Quantization of the network's output.
    pub fn output_quantization(&self) -> QParams {
        self.last().output
    }

    fn first(&self) -> &QLayerParams {
        &self.layers[0].params // `new` rejects an empty network
    }

    fn last(&self) -> &QLayerParams {
        &self.layers[self.layers.len() - 1].params
    }

    /// int8 inference on a batch of samples, row-major `[batch][inputs]`;
    /// returns `[batch][outputs]`. Integer-only.
    pub fn forward(&self, x: &[i8]) -> Result<Vec<i8>, QNetworkError> {
        let (width, len) = (self.inputs(), x.len());
        if len % width != 0 {
            return Err(QNetworkError::BatchLength { width, len });
        }
        let mut y = vec![0; len / width * self.outputs()];
        let widest = self
            .layers
            .iter()
            .map(|l| l.params.out_features)
            .max()
            .unwrap_or(0);
        // Two buffers that take turns as a layer's input and output.
        let mut a = vec![0; widest.max(width)];
        let mut b = a.clone();
        for (xs, ys) in x
            .chunks_exact(width)
            .zip(y.chunks_exact_mut(self.outputs()))
        {
            a[..width].copy_from_slice(xs);
            let mut n = width;
            for layer in &self.layers {
                let out = layer.params.out_features;
                layer.forward(&a[..n], &mut b[..out]);
                std::mem::swap(&mut a, &mut b);
                n = out;
            }
            ys.copy_from_slice(&a[..n]);
        }
        Ok(y)
    }

    /// Float inference: quantizes `x` with the input quantization (TFLite's
    /// QUANTIZE), runs [`forward`](Self::forward) and dequantizes the output.
    pub fn forward_f32(&self, x: &[f32]) -> Result<Vec<f32>, QNetworkError> {
        let q_in = self.input_quantization();
        let xq: Vec<i8> = x
            .iter()
            .map(|&v| quantize(v, q_in.scale, q_in.zero_point))
            .collect();
        let q_out = self.output_quantization();
        let y = self.forward(&xq)?;
        Ok(y.into_iter()
            .map(|q| dequantize(q, q_out.scale, q_out.zero_point))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use nn_core::quant::FusedActivation;

    use super::*;

    /// A valid 2 → 3 layer with per-channel scales.
    fn layer() -> QLayerParams {
        QLayerParams {
            in_features: 2,
            out_features: 3,
            weights: vec![1, -2, 3, -4, 5, -6],
            bias: Some(vec![10, -20, 30]),
            input: QParams {
                scale: 0.5,
                zero_point: -3,
            },
            output: QParams {
                scale: 0.25,
                zero_point: 4,
            },
            weight_scales: vec![0.01, 0.02, 0.03],
            activation: FusedActivation::Relu,
        }
    }

    fn error(layers: Vec<QLayerParams>) -> QNetworkError {
        QNetwork::new(layers).expect_err("invalid network")
    }

    #[test]
    fn bad_parameters_name_the_layer_and_the_problem() {
        assert_eq!(error(vec![]), QNetworkError::NoLayers);
        let with = |f: fn(&mut QLayerParams)| {
            let mut second = layer();
            second.in_features = 3;
            second.weights = vec![1; 9];
            second.input = layer().output;
            f(&mut second);
            error(vec![layer(), second])
        };
        let at1 = |what, expected, found| QNetworkError::Length {
            layer: 1,
            what,
            expected,
            found,
        };
        assert_eq!(
            with(|l| l.out_features = 0),
            QNetworkError::ZeroFeatures { layer: 1 }
        );
        assert_eq!(
            with(|l| l.weights.pop().map(drop).unwrap()),
            at1("weights", 9, 8)
        );
        assert_eq!(with(|l| l.bias = Some(vec![0; 4])), at1("bias", 3, 4));
        assert_eq!(
            with(|l| l.weight_scales = vec![0.1; 2]),
            at1("weight_scales", 3, 2)
        );
        let zp = QNetworkError::ZeroPoint {
            layer: 1,
            what: "output",
            zero_point: 128,
        };
        assert_eq!(with(|l| l.output.zero_point = 128), zp);
        let scale = |what| QNetworkError::Scale { layer: 1, what };
        assert_eq!(with(|l| l.output.scale = f32::NAN), scale("output"));
        assert_eq!(with(|l| l.weight_scales[2] = 0.0), scale("weight"));
        assert_eq!(
            with(|l| l.input.scale = 0.3),
            QNetworkError::Chain { layer: 1 }
        );
        let width = QNetworkError::Width {
            layer: 1,
            expected: 3,
            found: 2,
        };
        assert_eq!(with(|l| l.in_features = 2), width);
        let huge = QNetworkError::Multiplier {
            layer: 1,
            channel: 0,
        };
        assert_eq!(with(|l| l.weight_scales = vec![1e10]), huge);
        let overflow = QNetworkError::TooLarge { layer: 1 };
        assert_eq!(with(|l| l.out_features = usize::MAX), overflow);
    }

    #[test]
    fn batches_must_hold_whole_samples() {
        let net = QNetwork::new(vec![layer()]).unwrap();
        let e = QNetworkError::BatchLength { width: 2, len: 3 };
        assert_eq!(net.forward(&[0; 3]), Err(e));
        assert_eq!(net.forward(&[]), Ok(vec![]));
    }

    #[test]
    fn per_tensor_scale_uses_the_f32_product() {
        let mut l = layer();
        l.weight_scales = vec![0.1];
        l.input.scale = 0.3;
        let net = QNetwork::new(vec![l]).unwrap();
        let real = (0.3f32 * 0.1f32) as f64 / 0.25;
        let (m, s) = nn_core::quant::quantize_multiplier(real);
        assert_ne!(
            (m, s),
            nn_core::quant::quantize_multiplier(0.3f32 as f64 * 0.1f32 as f64 / 0.25)
        );
        assert_eq!(net.requantization(0), Some((&[m; 3][..], &[s; 3][..])));
    }
}
