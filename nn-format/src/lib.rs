//! nn-format: the nn model file format (see `docs/FORMAT.md`), `no_std`
//! and without allocation: reading and validating, loading into nn-core's
//! typed networks, describing networks for the writer, and the one list of
//! layer kinds ([`LayerKind`]) that every reader and writer of the workspace
//! shares.
//!
//! A file is a 24-byte header (magic `NNMF`, version, scalar type, input
//! scaler, length, layer count), one 16-byte descriptor per layer, the
//! layers' values (little-endian), the scaler's values and a CRC-32 of all
//! preceding bytes. [`ModelView::parse`] checks all of it and gives views in
//! place; [`Loadable`] fills a network of a matching type; [`Saveable`]
//! describes a network to [`write_model`] (nn-std's `io::model_file` adds
//! files on disk). Int8 networks have their own file version (2), read by
//! [`QModelView::parse`] and written by [`write_qmodel`].
#![no_std]
#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod crc32;
mod error;
mod layer;
mod load;
mod qfile;
mod save;
mod scalar;
mod scaler;
mod view;
mod write;

pub use crc32::{Crc32, crc32};
pub use error::LoadError;
pub use layer::{LayerDesc, LayerKind};
pub use load::{
    Loadable, expect_desc, next_affine, next_layer, read_params, read_plain, read_scalar,
};
pub use qfile::{
    QDESC_LEN, QLayerRecord, QLayerView, QModelView, QParams, QSCALAR_CODE, QVERSION,
    q_encoded_len, write_qmodel,
};
pub use save::{LayerRecord, Saveable, visit_params, visit_plain};
pub use scalar::{FileScalar, ScalarType, Values};
pub use scaler::FileScaler;
pub use view::{
    CRC_LEN, DESC_LEN, HEADER_LEN, LayerView, Layers, MAGIC, ModelView, ScalerKind, ScalerView,
    VERSION,
};
pub use write::{ScalerParts, WriteError, encoded_len, write_model};
