import type { UiError } from '../store/ui-error';

const KIND_LABELS: Record<string, string> = {
  ModelFormatError: 'Not a readable ONNX model',
  ExternalDataError: 'External data problem',
  UnsupportedModelError: 'Unsupported model',
  RecipeError: 'Recipe problem',
  RuntimeError: 'onnxruntime-web could not run the model',
  InputSynthesisError: 'Cannot make test inputs',
  OutputMismatchError: 'Outputs cannot be compared',
  DropReadError: 'Could not read what was dropped',
};

export function ErrorBanner({ error, onDismiss }: { error: UiError; onDismiss?: () => void }) {
  return (
    <div className="error-banner" role="alert" data-error-name={error.name}>
      <div>
        <strong className="error-title">{KIND_LABELS[error.name] ?? 'Something went wrong'}</strong>
        <span className="error-kind">{error.name}</span>
        <p className="error-message">{error.message}</p>
      </div>
      {onDismiss && (
        <button type="button" className="button ghost" onClick={onDismiss} aria-label="Dismiss error">
          ✕
        </button>
      )}
    </div>
  );
}
