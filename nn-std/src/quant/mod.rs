//! int8 networks whose shape is known only at run time, bit-exact with
//! TensorFlow Lite Micro.
//!
//! [`QNetwork`] holds fully connected int8 layers in a `Vec` and runs them
//! with nn-core's slice kernel ([`nn_core::quant::fully_connected`]), the
//! same code the typed [`QDense`](nn_core::quant::QDense) runs, so both give
//! the same bits. It is built from [`QLayerParams`]: the plain parameters a
//! `.tflite` file ([`tflite::read`](crate::tflite::read)) or a post-training
//! quantization ([`ptq::quantize`](crate::ptq::quantize)) yields (int8 weights,
//! i32 bias, scales and zero points, fused activation). The Q31 multipliers,
//! shifts and clamps are derived from the scales exactly as TFLite does.
//!
//! ```
//! use nn_std::quant::{FusedActivation, QLayerParams, QNetwork, QParams};
//!
//! // y = relu(2x − 1): input and output scale 1/8, weight 64 · 1/32, bias −256 · 1/256.
//! let layer = QLayerParams {
//!     in_features: 1,
//!     out_features: 1,
//!     weights: vec![64],
//!     bias: Some(vec![-256]),
//!     input: QParams { scale: 0.125, zero_point: 0 },
//!     output: QParams { scale: 0.125, zero_point: 0 },
//!     weight_scales: vec![0.03125],
//!     activation: FusedActivation::Relu,
//! };
//! let net = QNetwork::new(vec![layer])?;
//! assert_eq!(net.forward(&[12, 2])?, [16, 0]); // a batch of two samples
//! assert_eq!(net.forward_f32(&[1.5, 0.25])?, [2.0, 0.0]);
//! # Ok::<(), nn_std::quant::QNetworkError>(())
//! ```

mod error;
mod network;
mod params;

pub use error::QNetworkError;
pub use network::QNetwork;
pub use nn_core::quant::FusedActivation;
pub use params::{QLayerParams, QParams};
