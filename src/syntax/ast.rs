//! The typed syntax tree. Every node carries an owned [`Span`]; spans
//! compare equal to each other so trees compare by shape.

use crate::source::Span;

#[derive(Debug, Clone, PartialEq, Default)]
pub struct File {
    pub items: Vec<Item>,
    /// Items that did not parse (the syntax errors say why), kept so the
    /// checker does not report names they would have defined as unknown.
    pub broken: Vec<Broken>,
}

/// An item the parser skipped: its keyword (`rule`, `fact`, ...; empty when
/// the text did not start with one), the name after it, and the
/// jurisdiction it was in.
#[derive(Debug, Clone, PartialEq)]
pub struct Broken {
    pub keyword: String,
    pub name: String,
    pub within: Option<String>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
#[allow(clippy::large_enum_variant)] // a handful per file; boxing buys nothing
pub enum Item {
    Schema(Schema),
    Jurisdiction(Jurisdiction),
    Expected(Expected),
}

/// `expect jurisdictions [US, AL, ...]`: codes the corpus must define.
#[derive(Debug, Clone, PartialEq)]
pub struct Expected {
    pub codes: Vec<Ident>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Str {
    pub value: String,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Schema {
    pub enums: Vec<EnumDecl>,
    pub facts: Vec<FactDecl>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EnumDecl {
    pub name: Ident,
    pub variants: Vec<Variant>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    pub name: Ident,
    pub doc: Option<Str>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FactDecl {
    pub name: Ident,
    pub ty: TypeExpr,
    pub default: Option<Literal>,
    pub doc: Option<Str>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TypeExpr {
    Bool(Span),
    /// `int` or `int LO..=HI`.
    Int {
        range: Option<(Int, Int)>,
        span: Span,
    },
    /// `date` or `date LO..=HI`.
    Date {
        range: Option<(DateLit, DateLit)>,
        span: Span,
    },
    Named(Ident),
}

/// An integer literal; `value` is `None` when it does not fit in 64 bits
/// (reported by the lowering, kept so the tree stays complete).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Int {
    pub value: i64,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    Bool(bool, Span),
    Int(Int),
    Date(DateLit),
    Name(Ident),
}

impl Literal {
    pub fn span(&self) -> Span {
        match self {
            Literal::Bool(_, s) => *s,
            Literal::Int(i) => i.span,
            Literal::Date(d) => d.span,
            Literal::Name(i) => i.span,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Jurisdiction {
    pub code: Ident,
    pub name: Str,
    pub extends: Option<Ident>,
    pub reviewed: Vec<DateLit>,
    pub sources: Vec<Str>,
    pub defaults: Vec<Default>,
    pub allows: Vec<Allow>,
    pub rules: Vec<Rule>,
    pub tests: Vec<Test>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateLit {
    pub text: String,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Default {
    pub action: ActionLit,
    pub cites: Vec<Str>,
    /// The first day in force (`effective DATE`).
    pub effective: Option<DateLit>,
    /// The last day in force (`until DATE`).
    pub until: Option<DateLit>,
    pub span: Span,
}

/// `allow CODE "why"`: suppresses a warning, with the reason written down.
#[derive(Debug, Clone, PartialEq)]
pub struct Allow {
    pub code: Ident,
    /// Missing when the author forgot it (E025, not a syntax error).
    pub reason: Option<Str>,
    pub span: Span,
}

pub use crate::table::Action;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionLit {
    pub action: Action,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DurationLit {
    pub text: String,
    pub span: Span,
    /// The outer limit of `practicable, at most D`.
    pub at_most: Option<Box<DurationLit>>,
    /// `if requested`, where it is written: due only if the receiving
    /// agency asks.
    pub if_requested: Option<Span>,
}

impl DurationLit {
    /// The deadline as the canonical layout writes it:
    /// `practicable, at most 24h`, `48h if requested`.
    pub fn written(&self) -> String {
        let mut s = match &self.at_most {
            Some(limit) => format!("{}, at most {}", self.text, limit.text),
            None => self.text.clone(),
        };
        if self.if_requested.is_some() {
            s.push_str(crate::table::IF_REQUESTED);
        }
        s
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub name: Ident,
    pub when: Expr,
    pub then: Then,
    pub notes: Vec<Str>,
    pub cites: Vec<Str>,
    pub overrides: Vec<Ident>,
    pub unverified: Option<Str>,
    pub allows: Vec<Allow>,
    /// The first day in force (`effective DATE`).
    pub effective: Option<DateLit>,
    /// The last day in force (`until DATE`).
    pub until: Option<DateLit>,
    pub span: Span,
}

/// What a rule or a test expectation decides.
#[derive(Debug, Clone, PartialEq)]
pub struct Then {
    pub action: ActionLit,
    pub to: Option<Vec<Ident>>,
    /// `to any of [...]`: one recipient suffices.
    pub any_of: bool,
    pub within: Option<DurationLit>,
    pub written: Option<DurationLit>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Or(Vec<Expr>, Span),
    And(Vec<Expr>, Span),
    Not(Box<Expr>, Span),
    Cmp(Comparison),
}

impl Expr {
    pub fn span(&self) -> Span {
        match self {
            Expr::Or(_, s) | Expr::And(_, s) | Expr::Not(_, s) => *s,
            Expr::Cmp(c) => c.span,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    pub fact: Ident,
    pub test: CmpTest,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CmpOp {
    pub fn as_str(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum CmpTest {
    /// A bare boolean fact: `threat_serious`.
    IsTrue,
    Op(CmpOp, Literal),
    InList(Vec<Literal>, Span),
    InRange(Int, Int),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Test {
    pub name: Str,
    pub given: Vec<Binding>,
    pub expect: Expect,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Binding {
    pub fact: Ident,
    pub value: Literal,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Expect {
    pub then: Then,
    pub by: Option<By>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum By {
    Default(Span),
    /// `name` or `JUR.name`.
    Rule {
        jurisdiction: Option<Ident>,
        name: Ident,
    },
}
