import type { GrafanaTheme2, TimeRange } from '@grafana/data';
import { css } from '@emotion/css';
import { Stack, Text, TextArea, useStyles2 } from '@grafana/ui';
import React, { useEffect, useMemo, useRef, useState } from 'react';
import { completionContextAt } from '../../kpi/expression';
import { applySuggestion, suggestionsAt } from '../data/completions';
import { checkExpression } from '../data/validation';
import { errorMessage, type ShopmonDataSource } from '../datasource';
import { useDimensionValues } from '../hooks/useDimensionValues';
import { labels } from '../labels';
import { selectors } from '../selectors';
import type { CatalogResponse, ExpressionProblem } from '../types';

interface Props {
  expr: string;
  catalog?: CatalogResponse;
  datasource: ShopmonDataSource;
  variables: string[];
  range?: TimeRange;
  onChange: (expr: string) => void;
  onRunQuery: () => void;
}

const VISIBLE_SUGGESTIONS = 20;

const getStyles = (theme: GrafanaTheme2) => ({
  textarea: css({ fontFamily: theme.typography.fontFamilyMonospace, minHeight: theme.spacing(8) }),
  suggestions: css({ display: 'flex', flexWrap: 'wrap', gap: theme.spacing(0.5) }),
  suggestion: css({
    fontFamily: theme.typography.fontFamilyMonospace,
    fontSize: theme.typography.bodySmall.fontSize,
    padding: theme.spacing(0.25, 0.75),
    border: `1px solid ${theme.colors.border.medium}`,
    borderRadius: theme.shape.radius.default,
    background: theme.colors.background.secondary,
    color: theme.colors.text.primary,
    cursor: 'pointer',
  }),
});

/**
 * Code mode: a plain textarea with live validation from the shared parser (line and column),
 * a check against the catalog, the service's own validation on blur, and clickable completions
 * for the position of the cursor.
 */
export function ExpressionEditor({ expr, catalog, datasource, variables, range, onChange, onRunQuery }: Props) {
  const styles = useStyles2(getStyles);
  const ref = useRef<HTMLTextAreaElement>(null);
  const [text, setText] = useState(expr);
  const [cursor, setCursor] = useState(expr.length);
  const [serverProblem, setServerProblem] = useState<ExpressionProblem | undefined>();
  const pendingCursor = useRef<number | undefined>(undefined);

  useEffect(() => {
    const at = pendingCursor.current;
    if (at !== undefined && ref.current) {
      ref.current.focus();
      ref.current.setSelectionRange(at, at);
      pendingCursor.current = undefined;
    }
  }, [text]);

  const problem = useMemo(() => (text.trim() === '' ? undefined : checkExpression(text, catalog)), [text, catalog]);
  const context = useMemo(() => completionContextAt(text, cursor), [text, cursor]);
  const { values } = useDimensionValues(datasource, context.kind === 'value' ? context.dimension : undefined, context.prefix, range);
  const { suggestions } = useMemo(() => suggestionsAt(text, cursor, { catalog, variables, values }), [text, cursor, catalog, variables, values]);

  const update = (next: string, at: number) => {
    setText(next);
    setCursor(at);
    setServerProblem(undefined);
    onChange(next);
  };

  const validateAndRun = () => {
    if (problem || text.trim() === '') return;
    datasource.validateExpression(text).then(
      (answer) => setServerProblem(answer.ok ? undefined : answer.error),
      (e: unknown) => setServerProblem({ message: errorMessage(e), line: 0, column: 0 }),
    );
    onRunQuery();
  };

  const shown = problem ?? serverProblem;
  return (
    <Stack direction="column" gap={0.5}>
      <TextArea
        ref={ref}
        data-testid={selectors.queryEditor.code.textarea}
        className={styles.textarea}
        aria-label={labels.query.code.label}
        value={text}
        rows={Math.min(10, Math.max(3, text.split('\n').length + 1))}
        placeholder={labels.query.code.placeholder}
        invalid={Boolean(shown)}
        spellCheck={false}
        onChange={(e) => update(e.currentTarget.value, e.currentTarget.selectionStart ?? e.currentTarget.value.length)}
        onSelect={(e) => setCursor(e.currentTarget.selectionStart ?? 0)}
        onBlur={validateAndRun}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.shiftKey || e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            validateAndRun();
          }
        }}
      />
      {shown ? (
        <div data-testid={selectors.queryEditor.code.error} role="alert">
          <Text color="error" variant="bodySmall">
            {shown.line > 0 ? labels.query.code.errorAt(shown.line, shown.column, shown.message) : shown.message}
          </Text>
        </div>
      ) : (
        text.trim() !== '' && (
          <div data-testid={selectors.queryEditor.code.valid}>
            <Text color="success" variant="bodySmall">
              {labels.query.code.valid}
            </Text>
          </div>
        )
      )}
      {suggestions.length > 0 && (
        <div data-testid={selectors.queryEditor.code.suggestions} className={styles.suggestions} aria-label={labels.query.code.suggestions}>
          {suggestions.slice(0, VISIBLE_SUGGESTIONS).map((s) => (
            <button
              key={`${s.label}:${s.from}`}
              type="button"
              data-testid={selectors.queryEditor.code.suggestion}
              className={styles.suggestion}
              title={s.detail}
              // Keep the textarea focused so blur does not run the query mid-edit.
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => {
                const next = applySuggestion(text, s);
                pendingCursor.current = next.cursor;
                update(next.text, next.cursor);
              }}
            >
              {s.label}
            </button>
          ))}
        </div>
      )}
    </Stack>
  );
}
