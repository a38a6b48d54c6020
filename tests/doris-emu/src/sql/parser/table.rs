//! CREATE TABLE and its reusable pieces: column definitions, types, indexes, keys,
//! distribution and rollups.

use super::{PResult, Parser};
use crate::sql::ast::{
    AggType, Buckets, ColumnDef, ColumnDefault, CreateTable, DistributionDesc, IndexDef, IndexType,
    KeysDesc, KeysType, Literal, Properties, RollupDef, Statement,
};
use crate::sql::error::ParseError;
use crate::sql::lexer::TokenKind;

impl Parser<'_> {
    /// After `CREATE TABLE`: `[IF NOT EXISTS] name (LIKE src | (elements) clauses...)`.
    pub(crate) fn create_table(&mut self) -> PResult<Statement> {
        let if_not_exists = self.if_not_exists();
        let name = self.object_name()?;
        if self.eat_kw("LIKE") {
            let source = self.object_name()?;
            return Ok(Statement::CreateTableLike {
                if_not_exists,
                name,
                source,
            });
        }
        if self.is_kw("AS") {
            return Err(ParseError::Unsupported("CREATE TABLE ... AS SELECT".into()));
        }
        let mut t = CreateTable {
            if_not_exists,
            name,
            columns: Vec::new(),
            indexes: Vec::new(),
            engine: None,
            keys: None,
            comment: None,
            partition: None,
            distribution: None,
            rollups: Vec::new(),
            properties: Properties::default(),
        };
        self.table_elements(&mut t)?;
        while self.table_clause(&mut t)? {}
        if self.is_kw("AS") {
            return Err(ParseError::Unsupported("CREATE TABLE ... AS SELECT".into()));
        }
        Ok(Statement::CreateTable(Box::new(t)))
    }

    fn table_elements(&mut self, t: &mut CreateTable) -> PResult<()> {
        self.expect_punct("(")?;
        loop {
            let is_index = self.is_kw("INDEX")
                && matches!(
                    self.peek_at(1).kind,
                    TokenKind::Word(_) | TokenKind::QuotedIdent(_)
                )
                && self.is_punct_at(2, "(");
            if is_index {
                self.advance();
                t.indexes.push(self.index_def()?);
            } else {
                t.columns.push(self.column_def()?);
            }
            if self.eat_punct(")") {
                return Ok(());
            }
            self.expect_list_sep()?;
        }
    }

    /// One optional clause after the element list; false when none matches.
    fn table_clause(&mut self, t: &mut CreateTable) -> PResult<bool> {
        let Some(word) = self.peek_word() else {
            return Ok(false);
        };
        match word.as_str() {
            "ENGINE" => {
                self.advance();
                self.eat_punct("=");
                t.engine = Some(self.ident()?);
            }
            "DUPLICATE" | "UNIQUE" | "AGGREGATE" => t.keys = Some(self.keys_desc()?),
            "COMMENT" => {
                self.advance();
                t.comment = Some(self.string()?);
            }
            "PARTITION" => t.partition = Some(self.partition_desc()?),
            "AUTO" => return Err(ParseError::Unsupported("AUTO PARTITION".into())),
            "DISTRIBUTED" => t.distribution = Some(self.distribution()?),
            "ROLLUP" => {
                self.advance();
                t.rollups = self.rollup_list()?;
            }
            "PROPERTIES" => t.properties = self.opt_properties()?,
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// `DUPLICATE|UNIQUE|AGGREGATE KEY (cols)`.
    pub(crate) fn keys_desc(&mut self) -> PResult<KeysDesc> {
        let keys_type = match self.peek_word().as_deref() {
            Some("DUPLICATE") => KeysType::Duplicate,
            Some("UNIQUE") => KeysType::Unique,
            Some("AGGREGATE") => KeysType::Aggregate,
            _ => return Err(self.error("expected DUPLICATE, UNIQUE or AGGREGATE")),
        };
        self.advance();
        self.expect_kw("KEY")?;
        Ok(KeysDesc {
            keys_type,
            columns: self.ident_list()?,
        })
    }

    /// `DISTRIBUTED BY HASH(cols) | RANDOM [BUCKETS n | AUTO]`.
    pub(crate) fn distribution(&mut self) -> PResult<DistributionDesc> {
        self.expect_kws(&["DISTRIBUTED", "BY"])?;
        let hash_columns = if self.eat_kw("HASH") {
            Some(self.ident_list()?)
        } else if self.eat_kw("RANDOM") {
            None
        } else {
            return Err(self.error("expected HASH or RANDOM"));
        };
        let buckets = if self.eat_kw("BUCKETS") {
            if self.eat_kw("AUTO") {
                Some(Buckets::Auto)
            } else {
                Some(Buckets::Num(self.integer()?))
            }
        } else {
            None
        };
        Ok(match hash_columns {
            Some(columns) => DistributionDesc::Hash { columns, buckets },
            None => DistributionDesc::Random { buckets },
        })
    }

    /// `( r1 (cols) [DUPLICATE KEY (..)] [PROPERTIES (..)], ... )` after `ROLLUP`.
    fn rollup_list(&mut self) -> PResult<Vec<RollupDef>> {
        self.expect_punct("(")?;
        let mut out = vec![self.rollup_def()?];
        while self.eat_punct(",") {
            out.push(self.rollup_def()?);
        }
        self.expect_punct(")")?;
        Ok(out)
    }

    /// `r (cols) [DUPLICATE KEY (..)] [FROM base] [PROPERTIES (..)]`.
    pub(crate) fn rollup_def(&mut self) -> PResult<RollupDef> {
        let name = self.ident()?;
        let columns = self.ident_list()?;
        let dup_keys = if self.eat_kws(&["DUPLICATE", "KEY"]) {
            self.ident_list()?
        } else {
            Vec::new()
        };
        let from_index = if self.eat_kw("FROM") {
            Some(self.ident()?)
        } else {
            None
        };
        let properties = self.opt_properties()?;
        Ok(RollupDef {
            name,
            columns,
            dup_keys,
            from_index,
            properties,
        })
    }

    /// After `INDEX` (or `ADD INDEX`): `[IF NOT EXISTS] name (cols) [USING type]
    /// [PROPERTIES (..)] [COMMENT '..']`.
    pub(crate) fn index_def(&mut self) -> PResult<IndexDef> {
        self.if_not_exists();
        let name = self.ident()?;
        let columns = self.ident_list()?;
        self.index_tail(name, columns)
    }

    /// `[USING type] [PROPERTIES (..)] [COMMENT '..']` of an index.
    pub(crate) fn index_tail(&mut self, name: String, columns: Vec<String>) -> PResult<IndexDef> {
        let index_type = if self.eat_kw("USING") {
            Some(match self.peek_word().as_deref() {
                Some("INVERTED") => IndexType::Inverted,
                Some("BLOOM_FILTER") => IndexType::BloomFilter,
                Some("NGRAM_BF") => IndexType::NgramBf,
                Some("BITMAP") => IndexType::Bitmap,
                _ => return Err(self.error("expected INVERTED, BLOOM_FILTER, NGRAM_BF or BITMAP")),
            })
        } else {
            None
        };
        if index_type.is_some() {
            self.advance();
        }
        let properties = self.opt_properties()?;
        let comment = if self.eat_kw("COMMENT") {
            Some(self.string()?)
        } else {
            None
        };
        Ok(IndexDef {
            name,
            columns,
            index_type,
            properties,
            comment,
        })
    }

    /// `name type [KEY] [agg] [[NOT] NULL] [AUTO_INCREMENT[(n)]] [DEFAULT ..]
    /// [ON UPDATE CURRENT_TIMESTAMP] [COMMENT '..']` (modifiers in any order).
    pub(crate) fn column_def(&mut self) -> PResult<ColumnDef> {
        let name = self.ident()?;
        let data_type = self.data_type()?;
        let mut c = ColumnDef {
            name,
            data_type,
            is_key: false,
            agg_type: None,
            nullable: None,
            default: None,
            auto_increment: None,
            on_update_current_timestamp: false,
            comment: None,
        };
        while self.column_modifier(&mut c)? {}
        Ok(c)
    }

    /// Consumes one column modifier into `c`; false when the cursor is on none.
    fn column_modifier(&mut self, c: &mut ColumnDef) -> PResult<bool> {
        let Some(word) = self.peek_word() else {
            return Ok(false);
        };
        if word == "NOT" && !self.is_kw_at(1, "NULL") {
            return Ok(false);
        }
        let known = agg_type(&word).is_some()
            || [
                "KEY",
                "NULL",
                "NOT",
                "AUTO_INCREMENT",
                "DEFAULT",
                "ON",
                "COMMENT",
            ]
            .contains(&word.as_str());
        if !known {
            return Ok(false);
        }
        self.advance();
        match word.as_str() {
            "KEY" => c.is_key = true,
            "NULL" => c.nullable = Some(true),
            "NOT" => {
                self.advance();
                c.nullable = Some(false);
            }
            "AUTO_INCREMENT" => c.auto_increment = Some(self.auto_increment_start()?),
            "DEFAULT" => c.default = Some(self.column_default()?),
            "ON" => {
                self.expect_kw("UPDATE")?;
                self.column_default()?;
                c.on_update_current_timestamp = true;
            }
            "COMMENT" => c.comment = Some(self.string()?),
            _ => c.agg_type = agg_type(&word),
        }
        Ok(true)
    }

    /// The optional `(start)` after `AUTO_INCREMENT`; 1 when absent.
    fn auto_increment_start(&mut self) -> PResult<i64> {
        if !self.eat_punct("(") {
            return Ok(1);
        }
        let n = self.signed_literal()?;
        self.expect_punct(")")?;
        match n {
            Literal::Int(i) => {
                i64::try_from(i).map_err(|_| self.error("AUTO_INCREMENT start out of range"))
            }
            _ => Err(self.error("expected an integer AUTO_INCREMENT start")),
        }
    }

    fn column_default(&mut self) -> PResult<ColumnDefault> {
        if self.eat_kw("NULL") {
            return Ok(ColumnDefault::Null);
        }
        if let TokenKind::Str(_) | TokenKind::Number(_) | TokenKind::Punct("-") = self.peek().kind {
            return Ok(ColumnDefault::Literal(self.signed_literal()?));
        }
        let word = self
            .peek_word()
            .ok_or_else(|| self.error("expected a default value"))?;
        self.advance();
        let mut precision = None;
        if self.eat_punct("(") {
            if !self.is_punct(")") {
                precision = Some(self.integer::<u32>()?);
            }
            self.expect_punct(")")?;
        }
        Ok(match word.as_str() {
            "CURRENT_TIMESTAMP" | "NOW" | "LOCALTIMESTAMP" => {
                ColumnDefault::CurrentTimestamp(precision)
            }
            _ => ColumnDefault::Keyword(word),
        })
    }
}

fn agg_type(word: &str) -> Option<AggType> {
    Some(match word {
        "SUM" => AggType::Sum,
        "MAX" => AggType::Max,
        "MIN" => AggType::Min,
        "REPLACE" => AggType::Replace,
        "REPLACE_IF_NOT_NULL" => AggType::ReplaceIfNotNull,
        "HLL_UNION" => AggType::HllUnion,
        "BITMAP_UNION" => AggType::BitmapUnion,
        "QUANTILE_UNION" => AggType::QuantileUnion,
        "GENERIC" => AggType::Generic,
        _ => return None,
    })
}
