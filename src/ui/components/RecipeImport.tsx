import { useRef, useState } from 'react';
import { toUiError, type UiError } from '../store/ui-error';
import { ErrorList } from './ErrorList';

export interface RecipeImportProps {
  /** Loads a recipe file's text into the editor; throws (a RecipeError) when the file is not a usable recipe. */
  onImport(text: string): void;
  /** Saves the editor's recipe as a JSON file. */
  onExport(): void;
  disabled?: boolean;
}

/**
 * Import a recipe JSON file into the editor (the same file the CLI's --recipe-file takes), or
 * export the edited one. A file that is not a recipe leaves the editor as it was and says why.
 */
export function RecipeImport({ onImport, onExport, disabled }: RecipeImportProps) {
  const input = useRef<HTMLInputElement>(null);
  const [error, setError] = useState<UiError | null>(null);
  const [loaded, setLoaded] = useState<string | null>(null);
  const read = async (file: File): Promise<void> => {
    setError(null);
    setLoaded(null);
    try {
      onImport(await file.text());
      setLoaded(file.name);
    } catch (e) {
      setError(toUiError(e));
    }
  };
  return (
    <div className="recipe-file" data-testid="recipe-file">
      <div className="actions">
        <button type="button" className="button" disabled={disabled} onClick={() => input.current?.click()}>
          Import recipe…
        </button>
        <input
          ref={input}
          type="file"
          accept=".json,application/json"
          hidden
          aria-label="Recipe file to import"
          data-testid="recipe-import-input"
          onChange={(e) => {
            const file = e.target.files?.[0];
            e.target.value = '';
            if (file) void read(file);
          }}
        />
        <button
          type="button"
          className="button"
          disabled={disabled}
          onClick={() => {
            setError(null);
            try {
              onExport();
            } catch (e) {
              setError(toUiError(e));
            }
          }}
        >
          Export recipe
        </button>
        {loaded && (
          <span className="muted small" data-testid="recipe-imported">
            Loaded the recipe from {loaded}.
          </span>
        )}
      </div>
      {error && <ErrorList items={[{ key: 'recipe-import', source: 'Recipe file', error, dismiss: 'page' }]} onDismiss={() => setError(null)} />}
    </div>
  );
}
