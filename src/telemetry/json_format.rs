//! [`FlatJson`]: one JSON object per line with the event's fields *and* the fields of
//! every span it is in at the top level, so a job's lines carry `job` and `node` where
//! log tools look for them (the stock JSON format nests span fields under `span`).

use std::fmt;

use serde_json::{Map, Value};
use tracing::field::{Field, Visit};
use tracing::{Event, Subscriber};
use tracing_subscriber::fmt::format::{JsonFields, Writer};
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormattedFields};
use tracing_subscriber::registry::LookupSpan;

/// The JSON line format: `timestamp`, `level`, `target`, `message`, the event's fields,
/// then span fields (inner spans first; the event's own fields win on a clash).
pub(crate) struct FlatJson;

struct Fields<'a>(&'a mut Map<String, Value>);

impl Visit for Fields<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().into(), value.into());
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        self.0.insert(field.name().into(), value.into());
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        self.0.insert(field.name().into(), value.into());
    }

    fn record_f64(&mut self, field: &Field, value: f64) {
        self.0.insert(field.name().into(), value.into());
    }

    fn record_bool(&mut self, field: &Field, value: bool) {
        self.0.insert(field.name().into(), value.into());
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.0
            .insert(field.name().into(), format!("{value:?}").into());
    }
}

impl<S> FormatEvent<S, JsonFields> for FlatJson
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, JsonFields>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        let meta = event.metadata();
        let mut map = Map::new();
        let now = humantime::format_rfc3339_micros(std::time::SystemTime::now());
        map.insert("timestamp".into(), now.to_string().into());
        map.insert("level".into(), meta.level().as_str().into());
        map.insert("target".into(), meta.target().into());
        event.record(&mut Fields(&mut map));
        if let Some(scope) = ctx.event_scope() {
            for span in scope {
                let ext = span.extensions();
                let Some(fields) = ext.get::<FormattedFields<JsonFields>>() else {
                    continue;
                };
                // JsonFields stores a span's fields as a JSON object string.
                if let Ok(Value::Object(obj)) = serde_json::from_str::<Value>(&fields.fields) {
                    for (k, v) in obj {
                        map.entry(k).or_insert(v);
                    }
                }
            }
        }
        writeln!(writer, "{}", Value::Object(map))
    }
}
