const { parser } = require('@grafana/lezer-logql');
for (const q of ['sum by (fingerprint, error_type) (count_over_time({service_name="a", event_kind=~"x|y"} | fingerprint="f" | json | duration_seconds >= 0.1 [1m])) > 0', 'topk(10, sum by (fingerprint) (rate({a="b"} [5m])))']) {
  const t = parser.parse(q);
  console.log(t.toString());
}
