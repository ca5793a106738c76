// Shared by the fuzz targets: parse (float and int8 files), walk every view
// and load typed networks.

use nn_core::{Dense, Identity, Relu, Seq};
use nn_format::{Loadable, ModelView, QModelView};

pub fn exercise(bytes: &[u8]) {
    if let Ok(view) = ModelView::parse(bytes) {
        let mut n = 0;
        for layer in view.layers() {
            n += 1;
            let _ = layer.scalar_f64();
            let count = layer.desc.value_count().expect("validated");
            assert_eq!(layer.raw_values().len(), count * view.scalar_type().bytes());
        }
        assert_eq!(n, view.layer_count());
        let _ = (view.param_count(), view.input_width(), view.output_width());
        if let Some(s) = view.scaler() {
            assert_eq!(
                s.offset::<f32>().map(|v| v.len()).ok(),
                s.factor::<f32>().map(|v| v.len()).ok()
            );
        }
    }
    if let Ok(view) = QModelView::parse(bytes) {
        let mut n = 0;
        for layer in view.layers() {
            n += 1;
            assert_eq!(
                layer.weights().count(),
                layer.in_features * layer.out_features
            );
            assert!(layer.bias().is_none_or(|b| b.count() == layer.out_features));
            let scales = layer.weight_scales().count();
            assert!(scales == 1 || scales == layer.out_features);
        }
        assert_eq!(n, view.layer_count());
    }
    let _ = <Seq![Dense<f32, 3, 4>, Relu, Dense<f32, 4, 2>, Identity]>::load(bytes);
    let _ = <Seq![Dense<f64, 2, 2>, Relu]>::load(bytes);
}
