/** `promtool test rules` unit tests written as data: input series and the alerts expected at given times. */
import * as path from "path";
import { stringify } from "yaml";
import { layOut, runTool, type ToolResult } from "./tools";

export interface ExpAlert {
  readonly exp_labels: Record<string, string>;
  readonly exp_annotations: Record<string, string>;
}
export interface AlertTest {
  readonly eval_time: string;
  readonly alertname: string;
  readonly exp_alerts: readonly ExpAlert[];
}
export interface TestGroup {
  readonly name: string;
  readonly interval: string;
  readonly input_series: readonly { readonly series: string; readonly values: string }[];
  readonly alert_rule_test: readonly AlertTest[];
}

/** Writes the rule file and the unit test next to each other and runs promtool test rules. */
export function promtoolTest(rules: string, groups: readonly TestGroup[]): ToolResult {
  const dir = layOut({ "homelab.rules.yml": rules, "homelab.test.yml": stringify({ rule_files: ["homelab.rules.yml"], evaluation_interval: "1m", tests: groups }, { lineWidth: 0 }) });
  return runTool("promtool", ["test", "rules", path.join(dir, "homelab.test.yml")]);
}

export const alert = (labels: Record<string, string>, summary: string): ExpAlert => ({ exp_labels: labels, exp_annotations: { summary } });
export const group = (name: string, input: Record<string, string>, tests: AlertTest[]): TestGroup => ({
  name,
  interval: "1m",
  input_series: Object.entries(input).map(([series, values]) => ({ series, values })),
  alert_rule_test: tests,
});

