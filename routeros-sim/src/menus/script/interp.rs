//! The part of RouterOS's scripting language the emulator runs: exactly what a backup
//! script with retention needs (DESIGN.md, "The backup script"). Anything else is
//! refused with an error that names the command and says the emulator does not
//! interpret it, before the script runs: a script either runs whole or not at all, as
//! far as the emulator's checking goes.
//!
//! | form | meaning |
//! |---|---|
//! | `:local NAME VALUE`, `:set NAME VALUE` | variables (scoped to their block) |
//! | `:log info\|warning\|error\|debug VALUE` | a log entry under `script` and the level |
//! | `:if (VALUE) do={...} else={...}` | condition |
//! | `:foreach NAME in=VALUE do={...}` | loop over a list (such as `[/file find]`) |
//! | `/system backup save name=V [password=V] [dont-encrypt=yes]` | a backup |
//! | `/file remove V` | removes a file (by `.id` or name) |
//! | `[/system clock get date\|time]` | the router's clock, in the version's format |
//! | `[/file find [where] KEY=V ...]` | the ids of the files with those properties |
//! | `[/file get ID PROPERTY]` | a property of a file |
//! | `[:pick V START [END]]`, `[:len V]`, `[:find V PART]`, `[:tostr V]` | strings |
//! | `"..."` (with `\"` `\\` `\n` `\$` and `$NAME` inside), numbers, `$NAME`, `( ... )` with `. + - = != < > <= >= && \|\|` | values |
//!
//! `<` and `>` compare text by its characters (the dates RouterOS 7.10+ prints sort
//! that way). Scripts are hostile input like any other: the parser does not recurse
//! deeper than [`MAX_DEPTH`], a run ends after [`MAX_STEPS`] statements, a value holds
//! at most [`MAX_TEXT`] bytes, and errors never repeat the text of a string or word.
//! `fuzz/fuzz_targets/sim_script.rs` feeds it arbitrary bytes.

use std::collections::BTreeMap;

use crate::error::RosError;
use crate::file_store::{file_row, ros_time};
use crate::state::Router;
use crate::value::Args;

use super::super::system_backup;

/// How deeply blocks and parentheses may nest.
pub(crate) const MAX_DEPTH: usize = 32;
/// How many statements one run may execute.
pub(crate) const MAX_STEPS: usize = 100_000;
/// The longest text a value may hold (a script that doubles a string forty times
/// would otherwise ask for a terabyte).
pub(crate) const MAX_TEXT: usize = 1 << 20;

/// A value.
#[derive(Clone, Debug, PartialEq)]
enum Val {
    Nil,
    Str(String),
    Num(i64),
    Bool(bool),
    List(Vec<Val>),
}

impl Val {
    fn text(&self) -> String {
        match self {
            Val::Nil => String::new(),
            Val::Str(s) => s.clone(),
            Val::Num(n) => n.to_string(),
            Val::Bool(b) => if *b { "true" } else { "false" }.to_string(),
            Val::List(items) => items.iter().map(Val::text).collect::<Vec<_>>().join(";"),
        }
    }

    fn num(&self) -> Option<i64> {
        match self {
            Val::Num(n) => Some(*n),
            Val::Str(s) => s.parse().ok(),
            _ => None,
        }
    }

    fn truthy(&self) -> bool {
        match self {
            Val::Bool(b) => *b,
            Val::Nil => false,
            Val::Num(n) => *n != 0,
            Val::Str(s) => s == "true" || s == "yes",
            Val::List(items) => !items.is_empty(),
        }
    }
}

// ----- tokens -----

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Word(String),
    Str(Vec<Part>),
    Var(String),
    Op(&'static str),
    Open(char),
    Close(char),
    End,
}

/// A piece of a quoted string: text, or `$NAME` to substitute.
#[derive(Clone, Debug, PartialEq)]
enum Part {
    Text(String),
    Var(String),
}

fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || "_-:/*".contains(c)
}

fn lex(src: &str) -> Result<Vec<Tok>, String> {
    let chars: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\n' | ';' => {
                out.push(Tok::End);
                i += 1;
            }
            '\\' if chars.get(i + 1) == Some(&'\n') => i += 2,
            c if c.is_whitespace() => i += 1,
            '#' if out
                .last()
                .is_none_or(|t| *t == Tok::End || *t == Tok::Open('{')) =>
            {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '"' => {
                i += 1;
                let mut parts = Vec::new();
                let mut text = String::new();
                loop {
                    let Some(&c) = chars.get(i) else {
                        return Err("a string is not closed (missing `\"`)".into());
                    };
                    i += 1;
                    match c {
                        '"' => break,
                        '\\' => {
                            let e = chars.get(i).copied().unwrap_or('\\');
                            i += 1;
                            text.push(match e {
                                'n' => '\n',
                                'r' => '\r',
                                't' => '\t',
                                other => other,
                            });
                        }
                        '$' if chars.get(i).is_some_and(|c| c.is_ascii_alphanumeric()) => {
                            parts.push(Part::Text(std::mem::take(&mut text)));
                            let start = i;
                            while chars
                                .get(i)
                                .is_some_and(|c| c.is_ascii_alphanumeric() || *c == '_')
                            {
                                i += 1;
                            }
                            parts.push(Part::Var(chars[start..i].iter().collect()));
                        }
                        c => text.push(c),
                    }
                }
                parts.push(Part::Text(text));
                out.push(Tok::Str(parts));
            }
            '$' => {
                i += 1;
                let start = i;
                while chars
                    .get(i)
                    .is_some_and(|c| c.is_ascii_alphanumeric() || *c == '_')
                {
                    i += 1;
                }
                if start == i {
                    return Err("`$` without a variable name".into());
                }
                out.push(Tok::Var(chars[start..i].iter().collect()));
            }
            '(' | '[' | '{' => {
                out.push(Tok::Open(c));
                i += 1;
            }
            ')' | ']' | '}' => {
                out.push(Tok::Close(c));
                i += 1;
            }
            _ => {
                let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
                if let Some(op) = ["!=", "<=", ">=", "&&", "||"]
                    .into_iter()
                    .find(|o| *o == two)
                {
                    out.push(Tok::Op(op));
                    i += 2;
                } else if let Some(op) = ["=", "<", ">", ".", "+"]
                    .into_iter()
                    .find(|o| o.starts_with(c))
                {
                    out.push(Tok::Op(op));
                    i += 1;
                } else if c == '-' && chars.get(i + 1).is_some_and(|c| c.is_whitespace()) {
                    out.push(Tok::Op("-"));
                    i += 1;
                } else if is_word(c) {
                    let start = i;
                    while chars.get(i).is_some_and(|c| is_word(*c)) {
                        i += 1;
                    }
                    out.push(Tok::Word(chars[start..i].iter().collect()));
                } else {
                    return Err(format!("unexpected character {c:?}"));
                }
            }
        }
    }
    Ok(out)
}

// ----- syntax -----

#[derive(Clone, Debug)]
enum Expr {
    Lit(Val),
    Str(Vec<Part>),
    Var(String),
    Bin(&'static str, Box<Expr>, Box<Expr>),
    /// `[...]`: a command whose result is the value.
    Cmd(Command),
}

/// A command: its name (`:pick`, `/file/find`) and its arguments, positional or named.
#[derive(Clone, Debug)]
struct Command {
    name: String,
    positional: Vec<Expr>,
    named: Vec<(String, Expr)>,
}

#[derive(Clone, Debug)]
enum Stmt {
    Local(String, Option<Expr>),
    Set(String, Expr),
    Log(String, Expr),
    If(Expr, Vec<Stmt>, Vec<Stmt>),
    Foreach(String, Expr, Vec<Stmt>),
    Run(Command),
}

struct Parser {
    toks: Vec<Tok>,
    at: usize,
    depth: usize,
}

/// A token as an error names it: commands, operators and brackets as written, but
/// never the text of a string or a bare word (a script may carry a password).
fn describe(tok: Option<&Tok>) -> String {
    match tok {
        None | Some(Tok::End) => "the end of the line".into(),
        Some(Tok::Word(w)) if w.starts_with(':') || w.starts_with('/') => format!("`{w}`"),
        Some(Tok::Word(_)) => "a word".into(),
        Some(Tok::Str(_)) => "a string".into(),
        Some(Tok::Var(name)) => format!("`${name}`"),
        Some(Tok::Op(op)) => format!("`{op}`"),
        Some(Tok::Open(c) | Tok::Close(c)) => format!("`{c}`"),
    }
}

/// The error for a command the emulator does not run.
fn not_interpreted(name: &str) -> String {
    format!(
        "routeros-sim does not interpret {name}: the emulator runs only the commands of a backup script (see DESIGN.md, \"The backup script\")"
    )
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.at)
    }

    fn next(&mut self) -> Option<Tok> {
        let t = self.toks.get(self.at).cloned();
        self.at += 1;
        t
    }

    fn deeper(&mut self) -> Result<(), String> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(format!("the script nests deeper than {MAX_DEPTH} levels"));
        }
        Ok(())
    }

    fn word(&mut self, what: &str) -> Result<String, String> {
        match self.next() {
            Some(Tok::Word(w)) => Ok(w),
            other => Err(format!(
                "expected {what}, found {}",
                describe(other.as_ref())
            )),
        }
    }

    /// Statements up to the end of the input or a closing `}`.
    fn block(&mut self) -> Result<Vec<Stmt>, String> {
        let mut out = Vec::new();
        loop {
            match self.peek() {
                None | Some(Tok::Close('}')) => return Ok(out),
                Some(Tok::End) => self.at += 1,
                _ => out.push(self.statement()?),
            }
        }
    }

    /// `={ ... }` after `do` or `else`.
    fn braced(&mut self) -> Result<Vec<Stmt>, String> {
        if self.next() != Some(Tok::Op("=")) || self.next() != Some(Tok::Open('{')) {
            return Err("expected `={` to start a block".into());
        }
        self.deeper()?;
        let body = self.block()?;
        self.depth -= 1;
        if self.next() != Some(Tok::Close('}')) {
            return Err("a block is not closed (missing `}`)".into());
        }
        Ok(body)
    }

    fn keyword(&mut self, key: &str) -> bool {
        if self.peek() == Some(&Tok::Word(key.into())) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn statement(&mut self) -> Result<Stmt, String> {
        let head = self.word("a command")?;
        let stmt = match head.as_str() {
            ":local" => {
                let name = self.word("a variable name")?;
                let value = match self.peek() {
                    None | Some(Tok::End) | Some(Tok::Close('}')) => None,
                    _ => Some(self.value()?),
                };
                Stmt::Local(name, value)
            }
            ":set" => {
                let name = self.word("a variable name")?;
                Stmt::Set(name, self.value()?)
            }
            ":log" => {
                let level = self.word("a log level")?;
                if !["info", "warning", "error", "debug"].contains(&level.as_str()) {
                    return Err(format!("unknown log level {level}"));
                }
                Stmt::Log(level, self.value()?)
            }
            ":if" => {
                let cond = self.value()?;
                if !self.keyword("do") {
                    return Err("expected do={...} after the condition of :if".into());
                }
                let then = self.braced()?;
                let otherwise = if self.keyword("else") {
                    self.braced()?
                } else {
                    Vec::new()
                };
                Stmt::If(cond, then, otherwise)
            }
            ":foreach" => {
                let name = self.word("a variable name")?;
                if !self.keyword("in") || self.next() != Some(Tok::Op("=")) {
                    return Err("expected in= after the variable of :foreach".into());
                }
                let list = self.value()?;
                if !self.keyword("do") {
                    return Err("expected do={...} in :foreach".into());
                }
                Stmt::Foreach(name, list, self.braced()?)
            }
            _ if head.starts_with('/') => Stmt::Run(self.command(head)?),
            other if other.starts_with(':') => return Err(not_interpreted(other)),
            _ => {
                return Err(
                    "expected a command (`:local`, `/file remove`, ...), found a word".into(),
                );
            }
        };
        match self.peek() {
            None | Some(Tok::End) | Some(Tok::Close('}')) => Ok(stmt),
            Some(t) => Err(format!("unexpected {} after a command", describe(Some(t)))),
        }
    }

    /// A command after its first word: path words, then arguments up to the end of the
    /// statement or the closing `]`.
    fn command(&mut self, head: String) -> Result<Command, String> {
        if !head.starts_with(':') && !head.starts_with('/') {
            return Err("expected a command (`:pick`, `/file find`, ...), found a word".into());
        }
        let mut name = head;
        if name.starts_with('/') {
            // `/system backup save` and `/system/backup/save` name the same command.
            while let Some(Tok::Word(w)) = self.peek() {
                let next_is_arg = self.toks.get(self.at + 1) == Some(&Tok::Op("="));
                if next_is_arg || !w.chars().all(|c| c.is_ascii_lowercase() || c == '-') {
                    break;
                }
                if ["where"].contains(&w.as_str()) {
                    break;
                }
                let is_path = matches!(
                    (name.as_str(), w.as_str()),
                    ("/system", "backup" | "clock")
                        | ("/system/backup", "save")
                        | ("/system/clock", "get")
                        | ("/file", "find" | "get" | "remove")
                );
                if !is_path {
                    break;
                }
                name = format!("{name}/{w}");
                self.at += 1;
            }
            name = name.trim_end_matches('/').to_string();
        }
        let known = [
            ":pick",
            ":len",
            ":find",
            ":tostr",
            "/system/backup/save",
            "/system/clock/get",
            "/file/find",
            "/file/get",
            "/file/remove",
        ];
        if !known.contains(&name.as_str()) {
            // Name the whole command: `/ip address add`, not `/ip`.
            let mut shown = name;
            while let Some(Tok::Word(w)) = self.peek() {
                if self.toks.get(self.at + 1) == Some(&Tok::Op("=")) {
                    break;
                }
                shown = format!("{shown} {w}");
                self.at += 1;
            }
            return Err(not_interpreted(&shown));
        }
        let mut cmd = Command {
            name,
            positional: Vec::new(),
            named: Vec::new(),
        };
        loop {
            match self.peek() {
                None | Some(Tok::End) | Some(Tok::Close(_)) => return Ok(cmd),
                Some(Tok::Word(w)) if w == "where" => self.at += 1,
                Some(Tok::Word(w)) if self.toks.get(self.at + 1) == Some(&Tok::Op("=")) => {
                    let key = w.clone();
                    self.at += 2;
                    cmd.named.push((key, self.value()?));
                }
                _ => cmd.positional.push(self.value()?),
            }
        }
    }

    /// One value: a literal, a variable, `(expression)` or `[command]`.
    fn value(&mut self) -> Result<Expr, String> {
        match self.next() {
            Some(Tok::Str(parts)) => Ok(Expr::Str(parts)),
            Some(Tok::Var(name)) => Ok(Expr::Var(name)),
            Some(Tok::Word(w)) => Ok(Expr::Lit(match w.parse::<i64>() {
                Ok(n) => Val::Num(n),
                Err(_) => Val::Str(w),
            })),
            Some(Tok::Open('(')) => {
                self.deeper()?;
                let e = self.expr(0)?;
                self.depth -= 1;
                if self.next() != Some(Tok::Close(')')) {
                    return Err("missing `)`".into());
                }
                Ok(e)
            }
            Some(Tok::Open('[')) => {
                self.deeper()?;
                let head = self.word("a command")?;
                let cmd = self.command(head)?;
                self.depth -= 1;
                if self.next() != Some(Tok::Close(']')) {
                    return Err("missing `]`".into());
                }
                Ok(Expr::Cmd(cmd))
            }
            other => Err(format!(
                "expected a value, found {}",
                describe(other.as_ref())
            )),
        }
    }

    /// An expression inside parentheses, by precedence climbing.
    fn expr(&mut self, min: u8) -> Result<Expr, String> {
        let mut left = self.value()?;
        while let Some(Tok::Op(op)) = self.peek() {
            let op = *op;
            let prec = match op {
                "||" => 1,
                "&&" => 2,
                "=" | "!=" | "<" | ">" | "<=" | ">=" => 3,
                "." => 4,
                _ => 5,
            };
            if prec < min {
                break;
            }
            self.at += 1;
            let right = self.expr(prec + 1)?;
            left = Expr::Bin(op, Box::new(left), Box::new(right));
        }
        Ok(left)
    }
}

/// Parses a script: its statements, or what is wrong with it.
fn parse(source: &str) -> Result<Vec<Stmt>, String> {
    let mut parser = Parser {
        toks: lex(source)?,
        at: 0,
        depth: 0,
    };
    let out = parser.block()?;
    match parser.peek() {
        None => Ok(out),
        Some(t) => Err(format!("unexpected {}", describe(Some(t)))),
    }
}

// ----- running -----

struct Run<'a> {
    router: &'a mut Router,
    scopes: Vec<BTreeMap<String, Val>>,
    steps: usize,
}

/// Runs `source` on `router`. An error names what failed; what ran before it stays done.
pub(crate) fn run(router: &mut Router, source: &str) -> Result<(), RosError> {
    let program = parse(source).map_err(script_error)?;
    let mut run = Run {
        router,
        scopes: vec![BTreeMap::new()],
        steps: 0,
    };
    run.block(&program).map_err(script_error)
}

fn script_error(message: String) -> RosError {
    RosError::bad_request(format!("script error: {message}"))
}

impl Run<'_> {
    fn block(&mut self, stmts: &[Stmt]) -> Result<(), String> {
        // A block that declares nothing needs no scope of its own.
        let scoped = stmts.iter().any(|s| matches!(s, Stmt::Local(..)));
        if scoped {
            self.scopes.push(BTreeMap::new());
        }
        let out = stmts.iter().try_for_each(|s| self.stmt(s));
        if scoped {
            self.scopes.pop();
        }
        out
    }

    fn stmt(&mut self, stmt: &Stmt) -> Result<(), String> {
        self.steps += 1;
        if self.steps > MAX_STEPS {
            return Err(format!("more than {MAX_STEPS} statements in one run"));
        }
        match stmt {
            Stmt::Local(name, value) => {
                let v = match value {
                    Some(e) => self.eval(e)?,
                    None => Val::Nil,
                };
                if let Some(scope) = self.scopes.last_mut() {
                    scope.insert(name.clone(), v);
                }
            }
            Stmt::Set(name, value) => {
                let v = self.eval(value)?;
                let slot = self
                    .scopes
                    .iter_mut()
                    .rev()
                    .find_map(|s| s.get_mut(name))
                    .ok_or_else(|| format!("no such variable {name} (declare it with :local)"))?;
                *slot = v;
            }
            Stmt::Log(level, value) => {
                let message = self.eval(value)?.text();
                self.router.log_event(&["script", level], &message);
            }
            Stmt::If(cond, then, otherwise) => {
                if self.eval(cond)?.truthy() {
                    self.block(then)?;
                } else {
                    self.block(otherwise)?;
                }
            }
            Stmt::Foreach(name, list, body) => {
                let items = match self.eval(list)? {
                    Val::List(items) => items,
                    Val::Nil => Vec::new(),
                    one => vec![one],
                };
                for item in items {
                    self.scopes.push(BTreeMap::from([(name.clone(), item)]));
                    let out = self.block(body);
                    self.scopes.pop();
                    out?;
                }
            }
            Stmt::Run(cmd) => {
                self.command(cmd)?;
            }
        }
        Ok(())
    }

    fn var(&self, name: &str) -> Result<Val, String> {
        self.scopes
            .iter()
            .rev()
            .find_map(|s| s.get(name))
            .cloned()
            .ok_or_else(|| format!("no such variable {name}"))
    }

    fn eval(&mut self, e: &Expr) -> Result<Val, String> {
        Ok(match e {
            Expr::Lit(v) => v.clone(),
            Expr::Var(name) => self.var(name)?,
            Expr::Str(parts) => {
                let mut s = String::new();
                for p in parts {
                    match p {
                        Part::Text(t) => s.push_str(t),
                        Part::Var(name) => s.push_str(&self.var(name)?.text()),
                    }
                    check_len(&s)?;
                }
                Val::Str(s)
            }
            Expr::Bin(op, a, b) => {
                let (a, b) = (self.eval(a)?, self.eval(b)?);
                binary(op, &a, &b)?
            }
            Expr::Cmd(cmd) => self.command(cmd)?,
        })
    }

    fn args(&mut self, cmd: &Command) -> Result<(Vec<Val>, Args), String> {
        let mut positional = Vec::new();
        for e in &cmd.positional {
            positional.push(self.eval(e)?);
        }
        let mut named = Args::new();
        for (k, e) in &cmd.named {
            named.push((k.clone(), self.eval(e)?.text()));
        }
        Ok((positional, named))
    }

    fn command(&mut self, cmd: &Command) -> Result<Val, String> {
        let (pos, named) = self.args(cmd)?;
        let arg = |i: usize| pos.get(i).cloned().unwrap_or(Val::Nil);
        let version = self.router.version().clone();
        Ok(match cmd.name.as_str() {
            ":len" => Val::Num(match arg(0) {
                Val::List(items) => items.len() as i64,
                v => v.text().chars().count() as i64,
            }),
            ":tostr" => Val::Str(arg(0).text()),
            ":pick" => {
                let start = arg(1).num().unwrap_or(0).max(0) as usize;
                match arg(0) {
                    Val::List(items) => items.get(start).cloned().unwrap_or(Val::Nil),
                    v => {
                        let chars: Vec<char> = v.text().chars().collect();
                        let end = arg(2).num().map_or(start + 1, |e| e.max(0) as usize);
                        let end = end.min(chars.len());
                        Val::Str(
                            chars
                                .get(start..end.max(start))
                                .unwrap_or(&[])
                                .iter()
                                .collect(),
                        )
                    }
                }
            }
            ":find" => {
                let hay = arg(0).text();
                let needle = arg(1).text();
                match hay.find(&needle) {
                    Some(at) => Val::Num(hay[..at].chars().count() as i64),
                    None => Val::Nil,
                }
            }
            "/system/clock/get" => {
                let time = ros_time(self.router.clock, &version);
                let (date, clock) = time.split_once(' ').unwrap_or((&time, ""));
                match arg(0).text().as_str() {
                    "date" => Val::Str(date.to_string()),
                    "time" => Val::Str(clock.to_string()),
                    _ => return Err("/system clock get: only date and time are emulated".into()),
                }
            }
            "/file/find" => Val::List(
                self.router
                    .files
                    .files
                    .iter()
                    .map(|f| file_row(f, &version))
                    .filter(|row| named.iter().all(|(k, v)| row.get(k) == Some(v)))
                    .filter_map(|row| row.get(".id").cloned().map(Val::Str))
                    .collect(),
            ),
            "/file/get" => {
                let key = arg(0).text();
                let row = self
                    .router
                    .files
                    .find(&key)
                    .map(|f| file_row(f, &version))
                    .ok_or_else(|| format!("/file get: no such item {key}"))?;
                row.get(&arg(1).text()).cloned().map_or(Val::Nil, Val::Str)
            }
            "/file/remove" => {
                let key = match named.iter().find(|(k, _)| k == "numbers") {
                    Some((_, v)) => v.clone(),
                    None => arg(0).text(),
                };
                let id = self
                    .router
                    .files
                    .find(&key)
                    .map(|f| f.id)
                    .ok_or_else(|| format!("/file remove: no such item {key}"))?;
                self.router.files.remove(id);
                Val::Nil
            }
            "/system/backup/save" => {
                system_backup::save(self.router, &named).map_err(|e| {
                    format!(
                        "/system backup save: {}",
                        e.detail.clone().unwrap_or_default()
                    )
                })?;
                Val::Nil
            }
            other => return Err(not_interpreted(other)),
        })
    }
}

/// A value may not be longer than [`MAX_TEXT`].
fn check_len(text: &str) -> Result<(), String> {
    if text.len() > MAX_TEXT {
        return Err(format!("a value longer than {MAX_TEXT} bytes"));
    }
    Ok(())
}

fn binary(op: &str, a: &Val, b: &Val) -> Result<Val, String> {
    let both = a.num().zip(b.num());
    Ok(match op {
        "." => {
            let text = a.text() + &b.text();
            check_len(&text)?;
            Val::Str(text)
        }
        "+" | "-" => {
            let (x, y) = both.ok_or_else(|| format!("{op} needs two numbers"))?;
            Val::Num(if op == "+" {
                x.saturating_add(y)
            } else {
                x.saturating_sub(y)
            })
        }
        "&&" => Val::Bool(a.truthy() && b.truthy()),
        "||" => Val::Bool(a.truthy() || b.truthy()),
        "=" => Val::Bool(
            *a != Val::Nil
                && *b != Val::Nil
                && (a == b || both.is_some_and(|(x, y)| x == y) || a.text() == b.text()),
        ),
        "!=" => Val::Bool(!matches!(binary("=", a, b)?, Val::Bool(true))),
        _ => {
            let order = match both {
                Some((x, y)) => x.cmp(&y),
                None => a.text().cmp(&b.text()),
            };
            Val::Bool(match op {
                "<" => order.is_lt(),
                ">" => order.is_gt(),
                "<=" => order.is_le(),
                _ => order.is_ge(),
            })
        }
    })
}

#[cfg(test)]
pub(crate) fn check(source: &str) -> Result<(), String> {
    parse(source).map(|_| ())
}
