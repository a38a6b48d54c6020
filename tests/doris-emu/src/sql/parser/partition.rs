//! Partition descriptions and partition definitions (`CREATE TABLE ... PARTITION BY`,
//! `ALTER TABLE ... ADD PARTITION`).

use super::{PResult, Parser};
use crate::sql::ast::{PartitionDef, PartitionDesc, PartitionValue, PartitionValues, Properties};
use crate::sql::error::ParseError;
use crate::sql::lexer::TokenKind;

impl Parser<'_> {
    /// `PARTITION BY RANGE|LIST (cols) ( [PARTITION ... [, ...]] )`.
    pub(crate) fn partition_desc(&mut self) -> PResult<PartitionDesc> {
        self.expect_kws(&["PARTITION", "BY"])?;
        let range = if self.eat_kw("RANGE") {
            true
        } else if self.eat_kw("LIST") {
            false
        } else {
            return Err(self.error("expected RANGE or LIST"));
        };
        let columns = self.ident_list()?;
        let partitions = self.partition_defs()?;
        Ok(if range {
            PartitionDesc::Range {
                columns,
                partitions,
            }
        } else {
            PartitionDesc::List {
                columns,
                partitions,
            }
        })
    }

    fn partition_defs(&mut self) -> PResult<Vec<PartitionDef>> {
        self.expect_punct("(")?;
        let mut out = Vec::new();
        if self.eat_punct(")") {
            return Ok(out);
        }
        loop {
            if self.is_kw("FROM") {
                return Err(ParseError::Unsupported(
                    "batch partition FROM ... TO ... INTERVAL".into(),
                ));
            }
            self.expect_kw("PARTITION")?;
            out.push(self.partition_def()?);
            if self.eat_punct(")") {
                return Ok(out);
            }
            self.expect_list_sep()?;
        }
    }

    /// After `PARTITION`: `[IF NOT EXISTS] name [VALUES ...] [("k" = "v", ...)]`.
    pub(crate) fn partition_def(&mut self) -> PResult<PartitionDef> {
        let if_not_exists = self.if_not_exists();
        let name = self.ident()?;
        let start = self.mark();
        let values = if self.eat_kw("VALUES") {
            self.partition_values()?
        } else {
            PartitionValues::Unspecified
        };
        let values_text = self.text_from(start);
        let properties = if self.at_inline_properties() {
            self.property_list()?
        } else {
            Properties::default()
        };
        Ok(PartitionDef {
            name,
            if_not_exists,
            values,
            values_text,
            properties,
        })
    }

    /// After `VALUES`: `LESS THAN (..) | LESS THAN MAXVALUE | [(..), (..)) | IN (..)`.
    fn partition_values(&mut self) -> PResult<PartitionValues> {
        if self.eat_kw("LESS") {
            self.expect_kw("THAN")?;
            if self.eat_kw("MAXVALUE") {
                return Ok(PartitionValues::LessThan(vec![PartitionValue::MaxValue]));
            }
            self.expect_punct("(")?;
            return Ok(PartitionValues::LessThan(self.value_tuple_rest()?));
        }
        if self.eat_punct("[") {
            self.expect_punct("(")?;
            let lower = self.value_tuple_rest()?;
            self.expect_punct(",")?;
            self.expect_punct("(")?;
            let upper = self.value_tuple_rest()?;
            self.expect_punct(")")?;
            return Ok(PartitionValues::Fixed { lower, upper });
        }
        if !self.eat_kw("IN") {
            return Err(self.error("expected LESS THAN, '[' or IN"));
        }
        self.expect_punct("(")?;
        let mut items = Vec::new();
        if self.eat_punct(")") {
            return Ok(PartitionValues::In(items));
        }
        loop {
            items.push(self.list_item()?);
            if self.eat_punct(")") {
                return Ok(PartitionValues::In(items));
            }
            self.expect_list_sep()?;
        }
    }

    /// One list-partition item: a single value, or a parenthesized tuple (redundant extra
    /// parentheses, as in `(("a"))`, are flattened).
    fn list_item(&mut self) -> PResult<Vec<PartitionValue>> {
        if !self.eat_punct("(") {
            return Ok(vec![self.partition_value()?]);
        }
        self.enter()?;
        let mut out = Vec::new();
        loop {
            out.extend(self.list_item()?);
            if self.eat_punct(")") {
                break;
            }
            self.expect_list_sep()?;
        }
        self.leave();
        Ok(out)
    }

    /// Values up to and including `)` (the `(` already consumed); may be empty.
    fn value_tuple_rest(&mut self) -> PResult<Vec<PartitionValue>> {
        let mut out = Vec::new();
        if self.eat_punct(")") {
            return Ok(out);
        }
        loop {
            out.push(self.partition_value()?);
            if self.eat_punct(")") {
                return Ok(out);
            }
            self.expect_list_sep()?;
        }
    }

    fn partition_value(&mut self) -> PResult<PartitionValue> {
        if self.eat_kw("MAXVALUE") {
            return Ok(PartitionValue::MaxValue);
        }
        if self.eat_kw("NULL") {
            return Ok(PartitionValue::Null);
        }
        if let TokenKind::Str(_) | TokenKind::Number(_) | TokenKind::Punct("-") = self.peek().kind {
            let lit = self.signed_literal()?;
            return Ok(PartitionValue::Value(lit.as_text().unwrap_or_default()));
        }
        Err(self.error("expected a partition value"))
    }
}
