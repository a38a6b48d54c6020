//! Doris SQL subset: lexer, AST and parser.
