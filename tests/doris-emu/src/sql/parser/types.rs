//! Column types: `NAME[(n[, m])]` and `NAME<...>`, parsed to [`TypeKind`] with the source
//! text kept.

use super::{PResult, Parser};
use crate::sql::ast::{DataType, TypeKind};
use crate::sql::lexer::TokenKind;

/// Type names accepted as [`TypeKind::Other`].
const OTHER_TYPES: &[&str] = &[
    "HLL",
    "BITMAP",
    "QUANTILE_STATE",
    "AGG_STATE",
    "ARRAY",
    "MAP",
    "STRUCT",
    "VARIANT",
    "IPV4",
    "IPV6",
    "TIME",
    "TIMEV2",
    "DATEV1",
    "DATETIMEV1",
    "DECIMALV2",
    "SIGNED",
];

impl Parser<'_> {
    /// A column type: `NAME[(n[, m])]` or `NAME<...>`, keeping its source text.
    pub(crate) fn data_type(&mut self) -> PResult<DataType> {
        let start = self.mark();
        let word = self
            .peek_word()
            .ok_or_else(|| self.error("expected a type"))?;
        self.advance();
        let mut args: Vec<u32> = Vec::new();
        if self.eat_punct("(") {
            loop {
                args.push(self.integer()?);
                if self.eat_punct(")") {
                    break;
                }
                self.expect_list_sep()?;
            }
        } else if self.is_punct("<") {
            self.skip_angle_brackets()?;
        }
        let text = self.text_from(start);
        let Some(kind) = type_kind(&word, &args, &text) else {
            self.pos = start;
            return Err(self.error("unknown column type"));
        };
        self.eat_kw("UNSIGNED");
        Ok(DataType { kind, text })
    }

    /// Skips a balanced `<...>` type-parameter list.
    fn skip_angle_brackets(&mut self) -> PResult<()> {
        let mut depth = 0usize;
        loop {
            match self.advance().kind {
                TokenKind::Punct("<") => depth += 1,
                TokenKind::Punct(">") => depth = depth.saturating_sub(1),
                TokenKind::Eof => return Err(self.error("expected '>'")),
                _ => {}
            }
            if depth == 0 {
                return Ok(());
            }
        }
    }
}

fn type_kind(word: &str, args: &[u32], text: &str) -> Option<TypeKind> {
    let a0 = args.first().copied();
    let a1 = args.get(1).copied();
    Some(match word {
        "TINYINT" => TypeKind::TinyInt,
        "SMALLINT" => TypeKind::SmallInt,
        "INT" | "INTEGER" => TypeKind::Int,
        "BIGINT" => TypeKind::BigInt,
        "LARGEINT" => TypeKind::LargeInt,
        "BOOLEAN" | "BOOL" => TypeKind::Boolean,
        "FLOAT" => TypeKind::Float,
        "DOUBLE" => TypeKind::Double,
        "DECIMAL" | "DECIMALV3" => TypeKind::Decimal {
            precision: a0,
            scale: a1,
            v3: word == "DECIMALV3",
        },
        "DATE" | "DATEV2" => TypeKind::Date {
            v2: word == "DATEV2",
        },
        "DATETIME" | "DATETIMEV2" | "TIMESTAMP" => TypeKind::DateTime {
            precision: a0,
            v2: word == "DATETIMEV2",
        },
        "CHAR" | "CHARACTER" => TypeKind::Char(a0),
        "VARCHAR" => TypeKind::Varchar(a0),
        "STRING" | "TEXT" => TypeKind::String,
        "JSON" | "JSONB" => TypeKind::Json,
        w if OTHER_TYPES.contains(&w) => TypeKind::Other(text.to_ascii_uppercase()),
        _ => return None,
    })
}
