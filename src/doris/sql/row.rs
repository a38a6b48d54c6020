//! Result rows addressable by column name.

use std::sync::Arc;

use crate::doris::DorisError;

/// One result row of a text-protocol query; values are text (`None` = SQL NULL).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SqlRow {
    columns: Arc<[String]>,
    values: Vec<Option<String>>,
}

impl SqlRow {
    /// A row with `values` in the order of `columns`.
    pub fn new(columns: Arc<[String]>, values: Vec<Option<String>>) -> Self {
        SqlRow { columns, values }
    }

    /// Column names, in result order.
    pub fn columns(&self) -> &[String] {
        &self.columns
    }

    fn index(&self, column: &str) -> Option<usize> {
        self.columns.iter().position(|c| c == column)
    }

    /// The value of `column`; `None` if the column is absent or NULL.
    pub fn get_opt(&self, column: &str) -> Option<&str> {
        self.index(column)
            .and_then(|i| self.values.get(i)?.as_deref())
    }

    /// The value of `column`; an error if absent or NULL.
    pub fn get_str(&self, column: &str) -> Result<&str, DorisError> {
        match self.index(column) {
            None => Err(DorisError::SqlRow(format!(
                "no column {column:?} in result (columns: {})",
                self.columns.join(", ")
            ))),
            Some(i) => self
                .values
                .get(i)
                .and_then(|v| v.as_deref())
                .ok_or_else(|| DorisError::SqlRow(format!("column {column:?} is NULL"))),
        }
    }

    /// `column` parsed as a base-10 integer.
    pub fn get_i64(&self, column: &str) -> Result<i64, DorisError> {
        let v = self.get_str(column)?;
        v.trim()
            .parse()
            .map_err(|_| DorisError::SqlRow(format!("column {column:?}: {v:?} is not an integer")))
    }

    /// `column` parsed like Go's `strconv.ParseBool` (1/t/true/0/f/false, any case form Go accepts).
    pub fn get_bool(&self, column: &str) -> Result<bool, DorisError> {
        let v = self.get_str(column)?;
        match v.trim() {
            "1" | "t" | "T" | "true" | "TRUE" | "True" => Ok(true),
            "0" | "f" | "F" | "false" | "FALSE" | "False" => Ok(false),
            other => Err(DorisError::SqlRow(format!(
                "column {column:?}: {other:?} is not a bool"
            ))),
        }
    }
}
