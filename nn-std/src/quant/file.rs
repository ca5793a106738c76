//! [`QNetwork`]s in int8 model files (version 2 of `docs/FORMAT.md`).

use core::fmt;

use nn_format::{LoadError, QLayerRecord, QModelView, WriteError, q_encoded_len, write_qmodel};

use super::{QLayerParams, QNetwork, QNetworkError};

/// Why an int8 model file could not be loaded into a [`QNetwork`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QFileError {
    /// The file is not a valid int8 model file.
    File(LoadError),
    /// The file is valid but its layers do not form a network this runtime
    /// can run (for example a requantization factor of 2³⁰ or more).
    Network(QNetworkError),
}

impl fmt::Display for QFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            QFileError::File(e) => write!(f, "invalid int8 model file: {e}"),
            QFileError::Network(e) => write!(f, "int8 model file: {e}"),
        }
    }
}

impl std::error::Error for QFileError {}

impl QNetwork {
    /// The network as an int8 model file.
    ///
    /// ```
    /// use nn_std::quant::{FusedActivation, QLayerParams, QNetwork, QParams};
    /// let q = QParams { scale: 0.125, zero_point: 0 };
    /// let net = QNetwork::new(vec![QLayerParams {
    ///     in_features: 1,
    ///     out_features: 1,
    ///     weights: vec![64],
    ///     bias: Some(vec![-256]),
    ///     input: q,
    ///     output: q,
    ///     weight_scales: vec![0.03125],
    ///     activation: FusedActivation::Relu,
    /// }])?;
    /// let bytes = net.save().unwrap();
    /// assert_eq!(QNetwork::load(&bytes).unwrap(), net);
    /// # Ok::<(), nn_std::quant::QNetworkError>(())
    /// ```
    pub fn save(&self) -> Result<Vec<u8>, WriteError> {
        let records: Vec<QLayerRecord<'_>> = self.layers().map(record).collect();
        let mut bytes = vec![0; q_encoded_len(&records)?];
        write_qmodel(&records, &mut bytes)?;
        Ok(bytes)
    }

    /// Reads a network from the bytes of an int8 model file.
    pub fn load(bytes: &[u8]) -> Result<Self, QFileError> {
        let view = QModelView::parse(bytes).map_err(QFileError::File)?;
        let layers = view
            .layers()
            .map(|l| QLayerParams {
                in_features: l.in_features,
                out_features: l.out_features,
                weights: l.weights().collect(),
                bias: l.bias().map(Iterator::collect),
                input: l.input,
                output: l.output,
                weight_scales: l.weight_scales().collect(),
                activation: l.activation,
            })
            .collect();
        QNetwork::new(layers).map_err(QFileError::Network)
    }
}

fn record(l: &QLayerParams) -> QLayerRecord<'_> {
    QLayerRecord {
        in_features: l.in_features,
        out_features: l.out_features,
        weights: &l.weights,
        bias: l.bias.as_deref(),
        weight_scales: &l.weight_scales,
        input: l.input,
        output: l.output,
        activation: l.activation,
    }
}
