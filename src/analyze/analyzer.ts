/** The unit every analyzer is: metadata plus one pure function from a state to its diagnostics. */
import { Diagnostic } from './messages';
import { AnalysisContext } from './model';
import { Kind } from './resources';

/** One analyzer, shaped like Istio's `analysis.Analyzer`. */
export interface Analyzer {
  /** Istio's analyzer name (`package.Type`), what `--analyzer NAME` selects. */
  readonly name: string;
  /** One line on what it checks. */
  readonly description: string;
  /** The kinds it reads. */
  readonly kinds: readonly Kind[];
  /** Reports the diagnostics of one state; reads the context only. */
  analyze(context: AnalysisContext): Diagnostic[];
}
