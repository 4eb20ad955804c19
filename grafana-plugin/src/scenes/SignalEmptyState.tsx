import React from 'react';
import { LoadingState } from '@grafana/data';
import {
  SceneObjectBase,
  type SceneComponentProps,
  type SceneObjectState,
  type SceneQueryRunner,
} from '@grafana/scenes';
import { Alert } from '@grafana/ui';
import type { EmptyStateProbe } from '../queries/types';
import { promRunner } from './runners';

interface SignalEmptyStateState extends SceneObjectState {
  title: string;
  /** What to do about it, e.g. "enable `db` in createPulse". */
  hint: string;
  $data: SceneQueryRunner;
}

/**
 * A banner that appears only when a signal has no series for the selected service, saying what
 * to turn on, instead of leaving the user in front of blank panels.
 */
export class SignalEmptyState extends SceneObjectBase<SignalEmptyStateState> {
  static Component = SignalEmptyStateRenderer;

  static fromProbe(probe: EmptyStateProbe): SignalEmptyState {
    return new SignalEmptyState({
      title: probe.title,
      hint: probe.hint,
      $data: promRunner([{ refId: 'probe', expr: probe.expr, instant: true }]),
    });
  }
}

/** True once the probe answered and found no series. */
export function probeFoundNothing(data: SceneQueryRunner['state']['data']): boolean {
  if (!data || data.state !== LoadingState.Done) {
    return false;
  }
  return data.series.every((frame) => frame.length === 0);
}

function SignalEmptyStateRenderer({ model }: SceneComponentProps<SignalEmptyState>) {
  const { title, hint, $data } = model.useState();
  const { data } = $data.useState();
  if (!probeFoundNothing(data)) {
    return null;
  }
  return (
    <Alert severity="info" title={title}>
      {renderHint(hint)}
    </Alert>
  );
}

/** `code` spans in hints (`db`, createPulse) render as code. */
function renderHint(hint: string): React.ReactNode[] {
  return hint.split('`').map((part, i) => (i % 2 === 1 ? <code key={i}>{part}</code> : <span key={i}>{part}</span>));
}
