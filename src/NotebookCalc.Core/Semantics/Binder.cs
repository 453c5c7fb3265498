using System.Globalization;
using NotebookCalc.Syntax;
using NotebookCalc.Text;
using NotebookCalc.Differentiation;
using NotebookCalc.Expressions;
using NotebookCalc.Numerics;
using NotebookCalc.Rewriting;

namespace NotebookCalc.Semantics;

/// <summary>
/// Turns a syntax tree into a typed <see cref="Expr"/>: resolves names against the declarations, infers the shape
/// of every subexpression with symbolic dimensions (union-find with deferred constraints for the constructs whose
/// meaning depends on shapes: scalar-vs-matrix products, broadcasting sums), and reports clashes with spans.
/// </summary>
internal sealed class Binder
{
    private enum Decision { Undecided, Plain, Scale, ScaleRight, MatMul, BroadcastLeft, BroadcastRight, DiagMatrix, DiagVector }

    private sealed class SymbolInfo(string name, ShapeVar shape, Declaration? declaration, TextSpan firstUse)
    {
        public string Name { get; } = name;
        public ShapeVar Shape { get; } = shape;
        public Declaration? Declaration { get; } = declaration;
        public TextSpan FirstUse { get; } = firstUse;
    }

    private sealed record Pending(SyntaxNode Node, Func<bool> TryResolve);

    private readonly string _source;
    private readonly Scope _scope;
    private readonly Dictionary<SyntaxNode, ShapeVar> _shapes = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<SyntaxNode, Decision> _decisions = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, SymbolInfo> _symbols = new(StringComparer.Ordinal);
    private readonly List<(SyntaxNode Node, ShapeVar Shape)> _identities = [];
    private readonly List<Pending> _pending = [];
    private readonly List<Diagnostic> _notes = [];

    private Binder(string source, Scope scope)
    {
        _source = source;
        _scope = scope;
    }

    /// <param name="expected">The shape the whole expression must have, when the context fixes it (a claimed gradient has
    /// the shape of its variable): it sizes an otherwise undetermined I, 0 or ones.</param>
    public static (Expr Expr, IReadOnlyList<Diagnostic> Notes, IReadOnlyList<Symbol> Symbols) Bind(string source, SyntaxNode root, Scope scope, Shape? expected = null)
    {
        var binder = new Binder(source, scope);
        var shape = binder.Infer(root);
        binder.CheckForTypos();
        if (expected is { } fixedShape) ShapeVar.Unify(shape, ShapeVar.Of(fixedShape)); // a clash is reported by the caller's shape check
        binder.Solve();
        var expr = binder.Build(root);
        var symbols = expr.DescendantsAndSelf().OfType<Symbol>().DistinctBy(s => s.Name).ToList();
        return (expr, binder._notes, symbols);
    }

    // ───────────────────────────── typos ─────────────────────────────

    /// <summary>
    /// An undeclared name that is one slip away from a declared name the expression never uses (Omgea for a declared
    /// Omega) is almost surely a typo: its shape would be inferred and the gradient would be silently about the wrong
    /// symbol. Names shorter than three letters are left alone (any two single letters are one slip apart). (A name
    /// written like a call, dte(…), is an unknown function: see <see cref="UnknownFunction"/>.)
    /// </summary>
    private void CheckForTypos()
    {
        foreach (var info in _symbols.Values.Where(s => s.Declaration is null).OrderBy(s => s.FirstUse.Start))
        {
            var name = info.Name;
            if (name.Length < 3) continue;
            var limit = name.Length >= 6 ? 2 : 1;
            var near = _scope.Declarations.Where(d => !d.IsFunction && !_symbols.ContainsKey(d.Name) && Distance(name, d.Name) <= limit)
                .OrderBy(d => Distance(name, d.Name)).ThenBy(d => d.Name, StringComparer.Ordinal).FirstOrDefault();
            if (near is not null)
                throw Error(DiagnosticCatalog.Misspelt, info.FirstUse, $"{name} is not declared; did you mean {near.Name} ({near.Shape}), which is declared but not used here?",
                    $"Write {near.Name}; if {name} is a different symbol, declare it (e.g. \"{name}: {near.Shape.ToDeclaration()}\").");
        }
    }

    /// <summary>
    /// relu(X), log1p(X), foo(tr(X)): a name written as a call (no space before the bracket) that is neither built in
    /// nor declared. Read as an inferred scalar times the bracket, a misspelt or unsupported function would give the
    /// gradient of some other function without a word, so it is an error, with the nearest spelling and the list of
    /// functions. A declared symbol before a bracket (s(A + B), W (X)) is a product, a declared
    /// `F: n x m function of w` is a call, and with a space an undeclared name is juxtaposed as LANGUAGE.md allows
    /// (`c (X + Y)`, as the text printer writes products), taken to be a scalar with a note (MC1100).
    /// </summary>
    /// <summary>Matrix functions users reach for whose entrywise look-alike (exp, log, sqrt) would be the wrong suggestion.</summary>
    private static readonly Dictionary<string, (string What, string Entrywise)> MatrixFunctions = new(StringComparer.Ordinal)
    {
        ["expm"] = ("the matrix exponential", "exp"), ["logm"] = ("the matrix logarithm", "log"), ["sqrtm"] = ("the matrix square root", "sqrt"),
        ["pinv"] = ("the pseudo-inverse", "inv"), ["inverse"] = ("the inverse", "inv"),
    };

    private MatcalcException UnknownFunction(string name, TextSpan span, string? argument)
    {
        if (MatrixFunctions.TryGetValue(name, out var matrixFunction) && !_scope.Declarations.Any(d => d.Name == name))
        {
            var (what, entrywise) = matrixFunction;
            return Error(DiagnosticCatalog.UnknownFunction, span,
                $"{name}(…) ({what}) is not a built-in function of NotebookCalc.",
                entrywise == "inv"
                    ? $"Write inv(…) (or A^-1) for the inverse of a square invertible matrix; {what} is not supported."
                    : $"{entrywise}(…) is entrywise, not {what}; to carry {name} through a derivation, declare it as an opaque function (`{name}: n x n function of {argument ?? "X"}`).");
        }
        var limit = name.Length >= 6 ? 2 : 1;
        // Built-in spellings, declared functions, and (names of three letters or more, as for MC1017) declared symbols.
        var candidates = BuiltinFunctions.Spellings.Select(f => (Name: f, Symbol: (Declaration?)null))
            .Concat(_scope.Declarations.Where(d => d.IsFunction || name.Length >= 3).Select(d => (d.Name, Symbol: d.IsFunction ? null : (Declaration?)d)));
        var near = candidates
            .Select(c => (c.Name, c.Symbol, Distance: Math.Min(Distance(name, c.Name), Distance(name.ToLowerInvariant(), c.Name) + 1)))
            .Where(c => c.Distance <= limit)
            .OrderBy(c => c.Distance).ThenBy(c => c.Name, StringComparer.Ordinal).FirstOrDefault();
        var message = near.Name is null
            ? $"{name}(…) is not a function: {name} is neither a built-in function nor declared."
            : near.Symbol is { } symbol
                ? $"{name}(…) is not a function and {name} is not declared; did you mean {near.Name} ({symbol.Shape}) times the bracket?"
                : $"{name}(…) is not a function; did you mean {near.Name}(…)?";
        var declare = $"declare it as an opaque function (`{name}: n x m function of {argument ?? "w"}`), or, if {name} is a symbol multiplying the bracket, declare it (`{name}: scalar`) or write {name} * (…).";
        var hint = near.Name is not null
            ? $"Write {near.Name}{(near.Symbol is null ? "(…)" : " (…)")}; if you meant another function, {declare}"
            : $"The built-in functions are {BuiltinFunctions.List}; {declare}";
        return Error(DiagnosticCatalog.UnknownFunction, span, message, hint);
    }

    private static int Distance(string a, string b) => EditDistance.Between(a, b);

    // ───────────────────────────── inference ─────────────────────────────

    private MatcalcException Error(DiagnosticDescriptor code, TextSpan span, string message, string? hint) =>
        new(_source, code.At(span, message, hint));

    private string Snippet(SyntaxNode n)
    {
        var text = _source.Substring(n.Span.Start, n.Span.Length).Trim();
        text = string.Join(' ', text.Split((char[])['\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries));
        return text.Length > 32 ? text[..29] + "…" : text;
    }

    private string Describe(SyntaxNode n) => $"{Snippet(n)} ({_shapes[n]})";

    private ShapeVar Infer(SyntaxNode node)
    {
        if (_inferring.TryPeek(out var parent)) _parents[node] = parent;
        _inferring.Push(node);
        var shape = InferCore(node);
        _inferring.Pop();
        _shapes[node] = shape;
        return shape;
    }

    /// <summary>The syntax node each node was inferred within (its parent, or the call a rewritten product stands for).</summary>
    private readonly Dictionary<SyntaxNode, SyntaxNode> _parents = new(ReferenceEqualityComparer.Instance);

    private readonly Stack<SyntaxNode> _inferring = new();

    private ShapeVar InferCore(SyntaxNode node)
    {
        switch (node.Kind)
        {
            case SyntaxKind.Number:
                return ShapeVar.Scalar();
            case SyntaxKind.Name:
                return InferName(node);
            case SyntaxKind.Group:
                return Infer(node[0]);
            case SyntaxKind.Negate:
            case SyntaxKind.HadamardPower:
                return Infer(node[0]);
            case SyntaxKind.Transpose:
                if (node.Mark is { } mark && _scope.TryGet(mark.Text, out var markDeclaration))
                    throw Error(DiagnosticCatalog.DeclaredTransposeMark, mark.Span,
                        $"{mark.Text} is declared ({markDeclaration}), so ^{mark.Text} is a power with the symbol {mark.Text} as its exponent, not the transpose; exponents must be numbers.",
                        $"For the transpose write {Snippet(node[0])}' (or ᵀ, ^\\top); for a power write a number, e.g. ^2.");
                return Infer(node[0]).T;
            case SyntaxKind.Inverse:
            {
                var a = Infer(node[0]);
                RequireSquare(node, node[0], a, "the inverse", "Only square matrices have inverses; for a least-squares solve use (A'A)^-1 A'.");
                return a;
            }
            case SyntaxKind.Power:
            {
                var a = Infer(node[0]);
                if (node.Value == 0)
                    throw Error(DiagnosticCatalog.ZeroExponent, node.OperatorSpan, "A zero exponent is not supported.", "Write I (or 1 for a scalar) instead of A^0.");
                if (node.Value != Math.Floor(node.Value))
                {
                    if (!ShapeVar.Unify(a, ShapeVar.Scalar()))
                        throw Error(DiagnosticCatalog.FractionalMatrixPower, node.Span, $"{Describe(node[0])} is a matrix; only scalars have non-integer powers.",
                            "For entrywise powers write A .^ p (or A^{∘p}).");
                    return a;
                }
                RequireSquare(node, node[0], a, $"the matrix power ^{node.Value.ToString(CultureInfo.InvariantCulture)}",
                    "For entrywise powers of a non-square matrix write A .^ k (or A^{∘k}).");
                return a;
            }
            case SyntaxKind.Binary:
                return InferBinary(node);
            case SyntaxKind.Call:
                return InferCall(node);
            case SyntaxKind.Norm:
                Infer(node[0]);
                return ShapeVar.Scalar();
            case SyntaxKind.Determinant:
            {
                var a = Infer(node[0]);
                RequireSquare(node, node[0], a, "the determinant |…|", "The determinant is defined for square matrices only.");
                return ShapeVar.Scalar();
            }
            default:
                throw new InvalidOperationException($"unexpected syntax {node.Kind}");
        }
    }

    private ShapeVar InferName(SyntaxNode node)
    {
        var name = node.Text;
        if (name == "I" || (name.StartsWith("I_", StringComparison.Ordinal) && name.Length > 2 && !_scope.TryGet(name, out _)))
        {
            var d = new DimVar();
            if (name.Length > 2)
            {
                var dimText = name[2..];
                d.Assign(int.TryParse(dimText, NumberStyles.None, CultureInfo.InvariantCulture, out var k) && k > 0 ? Dim.Of(k) : Dim.Of(dimText));
            }
            var shape = new ShapeVar(d, d);
            _identities.Add((node, shape));
            return shape;
        }
        if (_symbols.TryGetValue(name, out var existing)) return existing.Shape;
        if (_scope.TryGet(name, out var declaration))
        {
            if (declaration.IsFunction)
                throw Error(DiagnosticCatalog.FunctionWithoutArgument, node.Span, $"{name} is a function of {declaration.FunctionOf}; it needs its argument.",
                    $"Write {name}({declaration.FunctionOf}).");
            var info = new SymbolInfo(name, ShapeVar.Of(declaration.Shape), declaration, node.Span);
            _symbols[name] = info;
            return info.Shape;
        }
        var fresh = new SymbolInfo(name, ShapeVar.Fresh(), null, node.Span);
        _symbols[name] = fresh;
        return fresh.Shape;
    }

    private void RequireSquare(SyntaxNode node, SyntaxNode operand, ShapeVar a, string what, string hint)
    {
        if (!DimVar.Unify(a.Rows, a.Cols))
            throw Error(DiagnosticCatalog.NotSquare, node.Span, $"{what} needs a square matrix, but {Snippet(operand)} is {a}.", hint);
    }

    private ShapeVar InferBinary(SyntaxNode node)
    {
        var l = Infer(node[0]);
        var r = Infer(node[1]);
        switch (node.Text)
        {
            case "+" or "-" or ".*" or "./":
            {
                var result = ShapeVar.Fresh();
                var what = node.Text switch { "+" => "add", "-" => "subtract", ".*" => "multiply entrywise", _ => "divide entrywise" };
                Defer(node, () => ResolveElementwisePair(node, l, r, result, what));
                return result;
            }
            case "*" or "juxt":
            {
                var result = ShapeVar.Fresh();
                Defer(node, () => ResolveProduct(node, l, r, result, force: false));
                return result;
            }
            case "/":
                if (!ShapeVar.Unify(r, ShapeVar.Scalar()))
                    throw Error(DiagnosticCatalog.MatrixDenominator, node[1].Span, $"Division needs a scalar denominator, but {Describe(node[1])} is a matrix.",
                        "For entrywise division write A ./ B; to divide by a matrix multiply by its inverse: A inv(B).");
                return l;
            case ":":
                if (!ShapeVar.Unify(l, r))
                    throw Error(DiagnosticCatalog.ShapeMismatch, node.OperatorSpan,
                        $"cannot take the Frobenius product A : B of {Describe(node[0])} and {Describe(node[1])}: the shapes must be equal.",
                        TransposeHint(node, l, r, same: true));
                return ShapeVar.Scalar();
            case "kron":
                return DeferKron(node, l, r);
            default:
                throw new InvalidOperationException(node.Text);
        }
    }

    private ShapeVar DeferKron(SyntaxNode node, ShapeVar l, ShapeVar r)
    {
        var result = ShapeVar.Fresh();
        Defer(node, () =>
        {
            if (!(l.Resolved && r.Resolved)) return false;
            Settle(node, result, ShapeVar.Of(new Shape(Product(node, l.Rows.Value!, r.Rows.Value!), Product(node, l.Cols.Value!, r.Cols.Value!))));
            return true;
        });
        return result;
    }

    /// <summary>a·b of two sizes (kron, vec); a constant size beyond <see cref="Dim.MaxConstant"/> is reported at the node.</summary>
    private Dim Product(SyntaxNode node, Dim a, Dim b)
    {
        try { return Dim.Product(a, b); }
        catch (OverflowException)
        {
            throw Error(DiagnosticCatalog.SizeTooLarge, node.Span,
                $"{Snippet(node)} would have a dimension of more than {Dim.MaxConstant:N0} ({a} times {b}).",
                "Nested Kronecker products multiply sizes; use fewer levels or smaller constant sizes (a named dimension such as n stays symbolic).");
        }
    }

    /// <summary>
    /// Gives a node whose shape was deferred the shape its operands determine (<paramref name="actual"/>), where the
    /// context may already have fixed part of it (<paramref name="result"/>: a sum with a known operand, a trace needing a
    /// square matrix). When the two clash — typically because an undeclared symbol was inferred one way and the context
    /// needs another — the error names the node, both shapes, the construct that asks for the other shape, and the
    /// symbols whose shapes were inferred.
    /// </summary>
    private void Settle(SyntaxNode node, ShapeVar result, ShapeVar actual)
    {
        if (ShapeVar.CanUnifyFully(result, actual))
        {
            ShapeVar.Unify(result, actual);
            return;
        }
        throw ContextClash(node, Is(actual), Be(result));
    }

    /// <summary>What a shape being inferred is: "is n×m", "is a scalar", "is square", "has n rows".</summary>
    private static string Is(ShapeVar s) =>
        s.KnownScalar ? "is a scalar"
        : s.Resolved ? $"is {s.ToShape()}"
        : s.Rows.Root() == s.Cols.Root() ? "is square"
        : s.Rows.Known ? $"has {s.Rows.Value} row{(s.Rows.IsOne ? "" : "s")}"
        : s.Cols.Known ? $"has {s.Cols.Value} column{(s.Cols.IsOne ? "" : "s")}"
        : "has an undetermined shape";

    /// <summary>What a context asks a shape to be: "be n×m", "be a scalar", "be square", "have n rows".</summary>
    private static string Be(ShapeVar s)
    {
        var text = Is(s);
        return text.StartsWith("is ", StringComparison.Ordinal) ? "be " + text[3..] : "have " + text[4..];
    }

    private MatcalcException ContextClash(SyntaxNode node, string has, string expected)
    {
        // The construct that constrains the node: the nearest enclosing one that does more than pass the shape through.
        var ctx = _parents.GetValueOrDefault(node);
        while (ctx is not null && (ctx.Kind is SyntaxKind.Group or SyntaxKind.Negate or SyntaxKind.HadamardPower or SyntaxKind.Transpose
                   || _rewritten.ContainsKey(ctx)
                   || ctx.Kind == SyntaxKind.Call && BuiltinFunctions.TryGet(ctx.Text, out var f) && f.Name is "exp" or "log" or "sqrt" or "tanh" or "sigmoid" or "abs" or "sign" or "sin" or "cos" or "softmax" or "softmax_rows" or "transpose"))
            ctx = _parents.GetValueOrDefault(ctx);
        var (code, why) = ctx switch
        {
            null => (DiagnosticCatalog.ShapeMismatch, "the expected shape"),
            { Kind: SyntaxKind.Binary, Text: ":" } => (DiagnosticCatalog.ShapeMismatch, "the operands of : must have the same shape"),
            { Kind: SyntaxKind.Binary, Text: "+" or "-" or ".*" or "./" } => (DiagnosticCatalog.ShapeMismatch, $"the operands of {ctx.Text} must have the same shape, or one be a scalar"),
            { Kind: SyntaxKind.Binary, Text: "*" or "juxt" } => (DiagnosticCatalog.MatMulMismatch, "in a product the columns of the left factor must equal the rows of the right one"),
            { Kind: SyntaxKind.Binary, Text: "/" } => (DiagnosticCatalog.MatrixDenominator, "a denominator must be a scalar"),
            { Kind: SyntaxKind.Power or SyntaxKind.Inverse or SyntaxKind.Determinant } => (DiagnosticCatalog.NotSquare, "powers, inverses and determinants need a square matrix"),
            { Kind: SyntaxKind.Call, Text: var name } when BuiltinFunctions.TryGet(name, out var g) && g.Name is "tr" or "det" or "logdet" or "inv" or "diag" =>
                (DiagnosticCatalog.NotSquare, g.Name == "diag" ? "diag of a matrix needs a square matrix" : $"{g.Name} needs a square matrix"),
            _ => (DiagnosticCatalog.ShapeMismatch, "the shapes must agree"),
        };
        var where = ctx is null ? "" : $" in {Snippet(ctx)}";
        if (code == DiagnosticCatalog.NotSquare) expected = "be square";
        var inferred = Undeclared(node).ToList();
        var because = inferred.Count == 0 ? "" : $" ({Inferred(inferred)})";
        var hint = InferredHint(node) ?? "Check the declared shapes and the transposes; `matcalc show` lists the shape of every symbol.";
        return Error(code, node.Span, $"{Snippet(node)} {has}{because}, but{where} it must {expected} ({why}).", hint);
    }

    private static string Inferred(IEnumerable<SymbolInfo> inferred) =>
        string.Join(", ", inferred.Select(i => $"{i.Name} is not declared and {(i.Shape.Resolved ? "was taken to be " + Is(i.Shape)[3..] : "so far " + Is(i.Shape))}"));

    /// <summary>"; r is not declared and was taken to be a scalar" for the undeclared symbols of a node, or "".</summary>
    private string InferredNote(SyntaxNode node)
    {
        var inferred = Undeclared(node).ToList();
        return inferred.Count == 0 ? "" : $" ({Inferred(inferred)})";
    }

    private string? InferredHint(SyntaxNode node)
    {
        var inferred = Undeclared(node).ToList();
        return inferred.Count == 0 ? null
            : $"The shape{(inferred.Count == 1 ? " of the undeclared " + inferred[0].Name + " was" : "s of the undeclared " + string.Join(" and ", inferred.Select(i => i.Name)) + " were")} inferred from the rest of the expression; " +
              $"declare {(inferred.Count == 1 ? "it" : "them")} with the shape you mean (e.g. --where \"{inferred[0].Name}: n x m\"), or check the shapes with `matcalc show`.";
    }

    /// <summary>The undeclared symbols used in a node, in order of appearance.</summary>
    private IEnumerable<SymbolInfo> Undeclared(SyntaxNode node)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<SyntaxNode>();
        stack.Push(_rewritten.GetValueOrDefault(node) ?? node);
        while (stack.Count > 0)
        {
            var n = stack.Pop();
            if (n.Kind == SyntaxKind.Name && _symbols.TryGetValue(n.Text, out var info) && info.Declaration is null && seen.Add(n.Text)) yield return info;
            if (_rewritten.TryGetValue(n, out var r)) { stack.Push(r); continue; }
            for (var i = n.Children.Count - 1; i >= 0; i--) stack.Push(n.Children[i]);
        }
    }

    private void Defer(SyntaxNode node, Func<bool> tryResolve)
    {
        if (!tryResolve()) _pending.Add(new Pending(node, tryResolve));
    }

    private bool ResolveElementwisePair(SyntaxNode node, ShapeVar l, ShapeVar r, ShapeVar result, string what)
    {
        Decision decision;
        if (l.KnownScalar && r.KnownScalar) decision = Decision.Plain;
        else if (l.KnownScalar && r.KnownNonScalar) decision = Decision.BroadcastLeft;
        else if (r.KnownScalar && l.KnownNonScalar) decision = Decision.BroadcastRight;
        else if (l.KnownNonScalar && r.KnownNonScalar) decision = Decision.Plain;
        // A x + b, X + I: an undeclared name or an unsized identity takes the shape of the other operand (b a vector, X + Z
        // infers Z), as it always has.
        else if ((l.KnownNonScalar && TakesOtherShape(node[1])) || (r.KnownNonScalar && TakesOtherShape(node[0]))) decision = Decision.Plain;
        // W + x' I x, W - r C: a compound operand may yet turn out a scalar (broadcast) — decided once the names in it have
        // their defaults; only then is it taken to have the known operand's shape.
        else if ((l.KnownNonScalar || r.KnownNonScalar) && _forceElementwise) decision = Decision.Plain;
        else return false;
        _decisions[node] = decision;
        var (a, b) = decision switch { Decision.BroadcastLeft => (r, r), Decision.BroadcastRight => (l, l), _ => (l, r) };
        if (!ShapeVar.Unify(a, b))
            throw Error(DiagnosticCatalog.ShapeMismatch, node.OperatorSpan,
                $"cannot {what} {Describe(node[0])} and {Describe(node[1])}: the shapes differ{InferredNote(node)}.",
                InferredHint(node) ?? TransposeHint(node, l, r, same: true));
        Settle(node, result, a);
        return true;
    }

    private bool ResolveProduct(SyntaxNode node, ShapeVar l, ShapeVar r, ShapeVar result, bool force, bool strict = false)
    {
        Decision decision;
        if (l.KnownScalar) decision = Decision.Scale;
        else if (r.KnownScalar) decision = Decision.ScaleRight;
        else if (l.KnownNonScalar && r.KnownNonScalar) decision = Decision.MatMul;
        else if (!force) return false;
        else if (r.KnownNonScalar && IsBareUndeclaredSymbol(node[0]))
        {
            decision = Decision.Scale;
            // c W, relu (X): an undeclared name before a matrix is taken to scale it; the note says so, as for any inference.
            if (BareName(node[0]) is { } scalar && _symbols.TryGetValue(scalar.Text, out var info) && !_notes.Any(n => n.Span == info.FirstUse))
                _notes.Add(DiagnosticCatalog.Inferred.At(info.FirstUse, $"{info.Name} is not declared; it is taken to be a scalar.",
                    $"Declare it to be explicit: {info.Name}: scalar"));
        }
        // W b: a product fixes the rows of an undetermined name (or the size of I, tanh(I)). An undetermined compound operand
        // with undeclared names in it (Y (1 + c) Y) waits until they have their defaults (c a scalar), and is forced to be
        // a matrix only as a last resort. (Whether an identity is sized, I or I_n, must not change what a name is taken to
        // be: printed text reads back to the same tree.)
        else if (l.KnownNonScalar && (!strict || Forceable(node[1]))) decision = Decision.MatMul;
        else if (r.KnownNonScalar && (!strict || Forceable(node[0]))) decision = Decision.MatMul;
        else return false;
        _decisions[node] = decision;
        switch (decision)
        {
            case Decision.Scale:
                Settle(node[0], l, ShapeVar.Scalar());
                Settle(node, result, r);
                break;
            case Decision.ScaleRight:
                Settle(node, result, l);
                break;
            default:
                if (!DimVar.Unify(l.Cols, r.Rows))
                    throw Error(DiagnosticCatalog.MatMulMismatch, node.OperatorSpan,
                        $"cannot multiply {Describe(node[0])} by {Describe(node[1])}: inner dimensions {l.Cols} and {r.Rows} differ{InferredNote(node)}.",
                        InferredHint(node) ?? TransposeHint(node, l, r, same: false));
                Settle(node, result, new ShapeVar(l.Rows, r.Cols));
                break;
        }
        return true;
    }

    /// <summary>An operand a product may be forced to multiply as a matrix before the names have their defaults.</summary>
    private bool Forceable(SyntaxNode n) => IsName(n) || !Undeclared(n).Any();

    /// <summary>An undeclared symbol or an identity, possibly bracketed, negated or raised to a power.</summary>
    private bool TakesOtherShape(SyntaxNode n) => n.Kind switch
    {
        SyntaxKind.Group or SyntaxKind.Power or SyntaxKind.Negate => TakesOtherShape(n[0]),
        SyntaxKind.Name => IsBareUndeclaredSymbol(n) || _identities.Any(i => ReferenceEquals(i.Node, n)),
        _ => false,
    };

    /// <summary>A name, possibly bracketed, negated, transposed or raised to a power.</summary>
    private static bool IsName(SyntaxNode n) => n.Kind switch
    {
        SyntaxKind.Group or SyntaxKind.Power or SyntaxKind.Negate or SyntaxKind.Transpose => IsName(n[0]),
        SyntaxKind.Name => true,
        _ => false,
    };

    private static SyntaxNode? BareName(SyntaxNode n) => n.Kind switch
    {
        SyntaxKind.Group or SyntaxKind.Power or SyntaxKind.Negate => BareName(n[0]),
        SyntaxKind.Name => n,
        _ => null,
    };

    private bool IsBareUndeclaredSymbol(SyntaxNode n) => n.Kind switch
    {
        SyntaxKind.Group or SyntaxKind.Power or SyntaxKind.Negate => IsBareUndeclaredSymbol(n[0]),
        SyntaxKind.Name => _symbols.TryGetValue(n.Text, out var s) && s.Declaration is null,
        _ => false,
    };

    /// <summary>Suggests the transposes that would make a product or an elementwise operation fit.</summary>
    private string TransposeHint(SyntaxNode node, ShapeVar l, ShapeVar r, bool same)
    {
        var a = Snippet(node[0]);
        var b = Snippet(node[1]);
        string Wrap(string s) => s.All(c => char.IsLetterOrDigit(c) || c == '_' || c == '\'') ? s : $"({s})";
        var options = new List<string>();
        if (same)
        {
            if (l.CanUnify(r.T)) options.Add($"use {Wrap(b)}' ({r.T}) in place of {b}");
        }
        else
        {
            if (DimVarEq(l.Cols, r.Cols)) options.Add($"{Wrap(a)} {Wrap(b)}' ({l.Rows}×{r.Rows})");
            if (DimVarEq(l.Rows, r.Rows)) options.Add($"{Wrap(a)}' {Wrap(b)} ({l.Cols}×{r.Cols})");
            if (DimVarEq(l.Rows, r.Cols)) options.Add($"{Wrap(b)} {Wrap(a)} ({r.Rows}×{l.Cols})");
        }
        // x' A x: a quadratic form needs A square with the length of x — the transposes above would not make a scalar.
        if (!same && QuadraticForm(node) is { } quadratic) return quadratic;
        var fit = options.Count > 0 ? $"Shapes that fit: {string.Join("; or ", options)}. " : "";
        return same
            ? $"{fit}Both operands must have the same shape (a scalar is broadcast). Check the declarations with `matcalc show`."
            : $"{fit}In a product the columns of the left factor must equal the rows of the right one; check the declared shapes and the transposes.";
    }

    private static bool DimVarEq(DimVar a, DimVar b) => a.Value is not null && a.Value == b.Value;

    /// <summary>The hint for v' M v (or v' M' v) when M does not fit: M must be square with v's length.</summary>
    private string? QuadraticForm(SyntaxNode node)
    {
        if (node[0].Kind != SyntaxKind.Transpose || node[0][0].Kind != SyntaxKind.Name) return null;
        var v = node[0][0].Text;
        var m = node[1].Kind == SyntaxKind.Name ? node[1] : node[1].Kind == SyntaxKind.Transpose && node[1][0].Kind == SyntaxKind.Name ? node[1][0] : null;
        if (m is null || !_symbols.TryGetValue(v, out var vec) || vec.Shape.Cols.Value is not { IsOne: true }) return null;
        // The same vector follows the matrix: v' M v.
        var after = _source[(node[1].Span.Start + node[1].Span.Length)..].TrimStart();
        if (!(after.StartsWith(v, StringComparison.Ordinal) && (after.Length == v.Length || !char.IsLetterOrDigit(after[v.Length]) && after[v.Length] != '_'))) return null;
        var n = vec.Shape.Rows.Value?.ToString() ?? "n";
        return $"{Snippet(node[0])} {m.Text} {v} is a quadratic form: {m.Text} must be square, {n}×{n} ({v} has {n} entries), but it is {_shapes[node[1]]}. " +
               $"Declare {m.Text}: {n} x {n}, or use two vectors for a bilinear form (u' {m.Text} {v}).";
    }

    private ShapeVar InferCall(SyntaxNode node)
    {
        var name = node.Text;
        if (_scope.TryGet(name, out var decl) && decl.IsFunction)
        {
            ExpectArgs(node, 1, $"{name}({decl.FunctionOf})");
            var arg = Infer(node[0]);
            if (_scope.TryGet(decl.FunctionOf!, out var argDecl) && !ShapeVar.Unify(arg, ShapeVar.Of(argDecl.Shape)))
                throw Error(DiagnosticCatalog.ShapeMismatch, node[0].Span,
                    $"{name} is a function of {decl.FunctionOf} ({argDecl.Shape}), but its argument {Describe(node[0])} has another shape.",
                    $"Pass {decl.FunctionOf} or an expression of the same shape.");
            return ShapeVar.Of(decl.Shape);
        }
        if (!BuiltinFunctions.TryGet(name, out var builtin))
        {
            // s(A + B), W(X): a declared symbol (or the identity) before brackets is a product with the group.
            if (!(_scope.TryGet(name, out _) || name == "I" || name.StartsWith("I_", StringComparison.Ordinal)))
                throw UnknownFunction(name, node.OperatorSpan, node.Children is [{ Kind: SyntaxKind.Name } arg] ? arg.Text : null);
            if (node.Children.Count != 1)
                throw Error(DiagnosticCatalog.UnknownFunction, node.OperatorSpan,
                    $"{name} is a declared symbol, not a function, so {name}(…) cannot take {node.Children.Count} arguments.",
                    $"Declare an opaque function instead (`{name}: n x m function of w`), or use a built-in: {BuiltinFunctions.List}.");
            var product = new SyntaxNode(SyntaxKind.Binary, node.Span, "juxt", 0,
                [SyntaxNode.Leaf(SyntaxKind.Name, node.OperatorSpan, name), new SyntaxNode(SyntaxKind.Group, node[0].Span, "()", 0, [node[0]])])
            { OperatorSpan = node.OperatorSpan };
            _rewritten[node] = product;
            return Infer(product);
        }
        if (node.Children.Count < builtin.MinArgs || node.Children.Count > builtin.MaxArgs)
            throw Error(DiagnosticCatalog.BadArguments, node.Span, $"{name} takes {builtin.Arity} but was given {node.Children.Count}.", $"Write {builtin.Usage}.");
        switch (builtin.Name)
        {
            case "tr" or "det" or "logdet":
            {
                var a = Infer(node[0]);
                RequireSquare(node, node[0], a, builtin.Name is "det" or "logdet" ? builtin.Name : "the trace",
                    builtin.Name is "tr" ? "tr(A'A) and tr(A A') are square; tr(A'B) is the Frobenius product A : B." : "The determinant is defined for square matrices only.");
                return ShapeVar.Scalar();
            }
            case "log":
            {
                var a = Infer(node[0]);
                return IsDeterminant(node[0]) ? ShapeVar.Scalar() : a;
            }
            case "exp" or "sqrt" or "tanh" or "sigmoid" or "abs" or "sign" or "sin" or "cos" or "softmax" or "softmax_rows":
                return Infer(node[0]);
            case "sum" or "norm" or "norm1":
                Infer(node[0]);
                return ShapeVar.Scalar();
            case "inv":
            {
                var a = Infer(node[0]);
                RequireSquare(node, node[0], a, "inv", "Only square matrices have inverses.");
                return a;
            }
            case "transpose":
                return Infer(node[0]).T;
            case "kron":
                return DeferKron(node, Infer(node[0]), Infer(node[1]));
            case "powersum":
            {
                var b = Infer(node[0]);
                RequireSquare(node, node[0], b, "powersum(B, C, k)", "B is raised to powers: it must be square, and C of its shape.");
                var c = Infer(node[1]);
                if (!ShapeVar.Unify(b, c))
                    throw Error(DiagnosticCatalog.ShapeMismatch, node[1].Span,
                        $"powersum(B, C, k) = Σ Bⁱ C B^(k−1−i) needs C of B's shape, but {Describe(node[0])} and {Describe(node[1])} differ.",
                        "Pass a square B and a C of the same shape.");
                PowerSumCount(node[2]);
                return b;
            }
            case "diag":
            {
                var a = Infer(node[0]);
                var result = ShapeVar.Fresh();
                Defer(node, () =>
                {
                    if (!a.Cols.Known) return false;
                    if (a.Cols.IsOne)
                    {
                        _decisions[node] = Decision.DiagMatrix;
                        Settle(node, result, new ShapeVar(a.Rows, a.Rows));
                    }
                    else
                    {
                        _decisions[node] = Decision.DiagVector;
                        RequireSquare(node, node[0], a, "diag(A)", "diag of a matrix takes its diagonal and needs a square matrix; diag(x) of a vector builds a diagonal matrix.");
                        Settle(node, result, new ShapeVar(a.Rows, new DimVar(Dim.One)));
                    }
                    return true;
                });
                return result;
            }
            case "vec":
            {
                var a = Infer(node[0]);
                var result = ShapeVar.Fresh();
                result.Cols.Assign(Dim.One);
                Defer(node, () =>
                {
                    if (!a.Resolved) return false;
                    Settle(node, result, ShapeVar.Of(Shape.Vector(Product(node, a.Rows.Value!, a.Cols.Value!))));
                    return true;
                });
                return result;
            }
            case "commutation":
            {
                var k = Product(node, DimArgument(node[0]), DimArgument(node[1]));
                return ShapeVar.Of(new Shape(k, k));
            }
            case "eye":
            {
                var d = new DimVar(DimArgument(node[0]));
                return new ShapeVar(d, d);
            }
            case "zeros" or "ones":
            {
                var rows = DimArgument(node[0]);
                var cols = node.Children.Count == 2 ? DimArgument(node[1]) : Dim.One;
                return ShapeVar.Of(new Shape(rows, cols));
            }
            default:
                throw new InvalidOperationException(name);
        }
    }

    private readonly Dictionary<SyntaxNode, SyntaxNode> _rewritten = new(ReferenceEqualityComparer.Instance);

    /// <summary>The k of powersum(B, C, k): a whole number from 1 to the largest power a derivation writes.</summary>
    private int PowerSumCount(SyntaxNode n)
    {
        if (n.Kind == SyntaxKind.Number && n.Value >= 1 && n.Value <= Rewriting.PowerSums.MaxExponent && n.Value == Math.Floor(n.Value)) return (int)n.Value;
        throw Error(DiagnosticCatalog.BadArguments, n.Span, $"'{Snippet(n)}' is not a number of terms for powersum.",
            $"The third argument of powersum(B, C, k) is a whole number from 1 to {Rewriting.PowerSums.MaxExponent:N0}: Σ_{{i=0}}^{{k−1}} Bⁱ C B^(k−1−i) has k terms.");
    }

    private Dim DimArgument(SyntaxNode n)
    {
        if (n.Kind == SyntaxKind.Number && n.Value >= 1 && n.Value <= 100_000 && n.Value == Math.Floor(n.Value)) return Dim.Of((int)n.Value);
        if (n.Kind == SyntaxKind.Name && !_scope.TryGet(n.Text, out _)) return Dim.Of(n.Text);
        throw Error(DiagnosticCatalog.BadArguments, n.Span, $"'{Snippet(n)}' is not a dimension.", "A dimension is a name such as n or a positive integer, e.g. eye(n), zeros(n, m).");
    }

    private void ExpectArgs(SyntaxNode node, int count, string usage)
    {
        if (node.Children.Count != count)
            throw Error(DiagnosticCatalog.BadArguments, node.Span, $"{node.Text} takes {count} argument{(count == 1 ? "" : "s")} but was given {node.Children.Count}.", $"Write {usage}.");
    }

    private static bool IsDeterminant(SyntaxNode n) => n.Kind switch
    {
        SyntaxKind.Group => IsDeterminant(n[0]),
        SyntaxKind.Determinant => true,
        SyntaxKind.Call => n.Text == "det",
        _ => false,
    };

    // ───────────────────────────── solving ─────────────────────────────

    private void Solve()
    {
        while (true)
        {
            RunPending();
            if (ForceOneProduct(strict: true)) continue;
            if (DefaultOneSymbol()) continue;
            if (ForceOneProduct(strict: false)) continue;
            if (ForceOneElementwise()) continue;
            break;
        }
        foreach (var s in _symbols.Values.Where(s => !s.Shape.Resolved))
        {
            var known = s.Shape.Rows.Known || s.Shape.Cols.Known ? $" (so far: {s.Shape.Rows}×{s.Shape.Cols})" : "";
            var example = $"{s.Name}: {s.Shape.Rows.Value?.ToString() ?? "n"} x {s.Shape.Cols.Value?.ToString() ?? "m"}";
            throw Error(DiagnosticCatalog.ShapeUndetermined, s.FirstUse, $"The shape of {s.Name} cannot be determined from the expression{known}.",
                $"Declare it, e.g. --where \"{example}\" (in a notebook: #!matcalc let \"{example}\").");
        }
        foreach (var (node, shape) in _identities.Where(i => !i.Shape.Resolved))
            throw Error(DiagnosticCatalog.ShapeUndetermined, node.Span, "The size of the identity I cannot be determined from the expression.",
                "Write I_n or eye(n) with the dimension you mean.");
        foreach (var p in _pending)
            throw Error(DiagnosticCatalog.ShapeUndetermined, p.Node.Span, $"The shape of {Snippet(p.Node)} cannot be determined.", "Declare the shapes of the symbols it uses.");
    }

    private void RunPending()
    {
        bool progress;
        do
        {
            progress = false;
            for (var i = 0; i < _pending.Count; i++)
            {
                if (!_pending[i].TryResolve()) continue;
                _pending.RemoveAt(i--);
                progress = true;
            }
        } while (progress);
    }

    private bool _forceElementwise;

    /// <summary>An entrywise operation with one operand of known matrix shape and the other undetermined: the same shape.</summary>
    private bool ForceOneElementwise()
    {
        foreach (var p in _pending)
        {
            if (p.Node.Kind != SyntaxKind.Binary || p.Node.Text is not ("+" or "-" or ".*" or "./")) continue;
            _forceElementwise = true;
            bool resolved;
            try { resolved = p.TryResolve(); }
            finally { _forceElementwise = false; }
            if (resolved)
            {
                _pending.Remove(p);
                return true;
            }
        }
        return false;
    }

    private bool ForceOneProduct(bool strict)
    {
        foreach (var p in _pending)
        {
            if (p.Node.Kind != SyntaxKind.Binary || p.Node.Text is not ("*" or "juxt")) continue;
            var l = _shapes[p.Node[0]];
            var r = _shapes[p.Node[1]];
            if (ResolveProduct(p.Node, l, r, _shapes[p.Node], force: true, strict))
            {
                _pending.Remove(p);
                return true;
            }
        }
        return false;
    }

    /// <summary>An undeclared lowercase or Greek symbol is a column vector when its rows are known, else a scalar.</summary>
    private bool DefaultOneSymbol()
    {
        foreach (var s in _symbols.Values.Where(s => s.Declaration is null && !s.Shape.Resolved).OrderBy(s => s.FirstUse.Start))
        {
            if (char.IsUpper(s.Name[0])) continue; // matrices are written in capitals: ask for a declaration instead
            if (s.Shape.Rows.Known && !s.Shape.Cols.Known)
            {
                s.Shape.Cols.Assign(Dim.One);
                _notes.Add(DiagnosticCatalog.Inferred.At(s.FirstUse, $"{s.Name} is not declared; it is taken to be a column vector ({s.Shape.Rows}).",
                    $"Declare it to be explicit: {s.Name}: {s.Shape.Rows}"));
                return true;
            }
            if (!s.Shape.Rows.Known && !s.Shape.Cols.Known)
            {
                ShapeVar.Unify(s.Shape, ShapeVar.Scalar());
                _notes.Add(DiagnosticCatalog.Inferred.At(s.FirstUse, $"{s.Name} is not declared; it is taken to be a scalar.",
                    $"Declare it to be explicit: {s.Name}: scalar"));
                return true;
            }
        }
        return false;
    }

    // ───────────────────────────── building ─────────────────────────────

    private Shape ShapeOf(SyntaxNode n)
    {
        var s = _shapes[n];
        if (!s.Resolved)
            throw Error(DiagnosticCatalog.ShapeUndetermined, n.Span, $"The shape of {Snippet(n)} cannot be determined.", "Declare the shapes of the symbols it uses.");
        return s.ToShape();
    }

    private Expr Build(SyntaxNode node)
    {
        if (_rewritten.TryGetValue(node, out var replacement)) return Build(replacement);
        switch (node.Kind)
        {
            case SyntaxKind.Number:
                return new Number(node.Value);
            case SyntaxKind.Name:
            {
                var shape = ShapeOf(node);
                if (!_symbols.TryGetValue(node.Text, out var info)) return new Identity(shape.Rows);
                return new Symbol(node.Text, shape, info.Declaration?.Props ?? SymbolProps.None);
            }
            case SyntaxKind.Group:
                return Build(node[0]);
            case SyntaxKind.Negate:
                return Negate(Build(node[0]));
            case SyntaxKind.Transpose:
                return new Transpose(Build(node[0]));
            case SyntaxKind.Inverse:
                return new Inverse(Build(node[0]));
            case SyntaxKind.Power:
            {
                var a = Build(node[0]);
                var k = node.Value;
                if (k == 1) return a;
                if (k < 0 && k == Math.Floor(k)) return k == -1 ? new Inverse(a) : new Power(new Inverse(a), -k);
                return new Power(a, k);
            }
            case SyntaxKind.HadamardPower:
                return new HadamardPower(Build(node[0]), node.Value);
            case SyntaxKind.Binary:
                return BuildBinary(node);
            case SyntaxKind.Call:
                return BuildCall(node);
            case SyntaxKind.Norm:
            {
                var a = Build(node[0]);
                if (node.Text == "2" && !(a.Shape.Cols.IsOne || a.Shape.Rows.IsOne))
                    throw Error(DiagnosticCatalog.SpectralNorm, node.Span, $"‖·‖₂ of the matrix {Describe(node[0])} is the spectral norm, which NotebookCalc does not support.",
                        "Use the Frobenius norm ‖A‖_F (norm(A)); ‖x‖₂ is supported for vectors.");
                return new Norm(a, node.Text == "1" ? NormKind.One : NormKind.Frobenius);
            }
            case SyntaxKind.Determinant:
            {
                var a = Build(node[0]);
                return a.IsScalar ? new Elementwise(ElementwiseFn.Abs, a) : new Det(a);
            }
            default:
                throw new InvalidOperationException(node.Kind.ToString());
        }
    }

    internal static Expr Negate(Expr e) => e is Number n ? new Number(-n.Value) : new Neg(e);

    private Expr BuildBinary(SyntaxNode node)
    {
        var l = Build(node[0]);
        var r = Build(node[1]);
        var decision = _decisions.GetValueOrDefault(node);
        switch (node.Text)
        {
            case "+" or "-" or ".*" or "./":
            {
                if (node.Text == "-") r = Negate(r);
                if (decision == Decision.BroadcastLeft) l = new Broadcast(l, r.Shape);
                if (decision == Decision.BroadcastRight) r = new Broadcast(r, l.Shape);
                return node.Text switch
                {
                    "+" or "-" => new Add(l, r),
                    ".*" => new Hadamard(l, r),
                    _ => new HadamardDiv(l, r),
                };
            }
            case "*" or "juxt":
                return decision switch
                {
                    Decision.Scale => new Scale(l, r),
                    Decision.ScaleRight => l.IsScalar ? new Scale(l, r) : new Scale(r, l),
                    _ => new MatMul(l, r),
                };
            case "/":
                return new Divide(l, r);
            case ":":
                return new Frobenius(l, r);
            default:
                return new Kron(l, r);
        }
    }

    private Expr BuildCall(SyntaxNode node)
    {
        var name = node.Text;
        if (_scope.TryGet(name, out var decl) && decl.IsFunction)
            return new OpaqueCall(name, decl.Shape, Build(node[0]));
        Expr Arg() => Build(node[0]);
        switch (BuiltinFunctions.TryGet(name, out var builtin) ? builtin.Name : name)
        {
            case "tr": return new Trace(Arg());
            case "det": return new Det(Arg());
            case "logdet": return new LogDet(Arg());
            case "log":
                if (IsDeterminant(node[0]))
                {
                    var inner = node[0];
                    while (inner.Kind == SyntaxKind.Group) inner = inner[0];
                    return new LogDet(Build(inner[0]));
                }
                return new Elementwise(ElementwiseFn.Log, Arg());
            case var entrywise when Enum.TryParse<ElementwiseFn>(entrywise, ignoreCase: true, out var fn): return new Elementwise(fn, Arg());
            case "softmax": return new Softmax(Arg(), Rows: false);
            case "softmax_rows": return new Softmax(Arg(), Rows: true);
            case "sum": return new SumAll(Arg());
            case "norm": return new Norm(Arg(), NormKind.Frobenius);
            case "norm1": return new Norm(Arg(), NormKind.One);
            case "inv": return new Inverse(Arg());
            case "transpose": return new Transpose(Arg());
            case "kron": return new Kron(Build(node[0]), Build(node[1]));
            case "powersum":
            {
                var k = PowerSumCount(node[2]);
                return k == 1 ? Build(node[1]) : new Expressions.PowerSum(Build(node[0]), Build(node[1]), k);
            }
            case "diag": return _decisions[node] == Decision.DiagMatrix ? new DiagMatrix(Arg()) : new DiagVector(Arg());
            case "vec": return new Vec(Arg());
            case "eye": return new Identity(ShapeOf(node).Rows);
            case "commutation":
            {
                var (m, n) = (DimArgument(node[0]), DimArgument(node[1]));
                return m.IsOne || n.IsOne ? new Identity(ShapeOf(node).Rows) : new Expressions.Commutation(m, n);
            }
            // A 1×1 zeros/ones is the number (as the printer writes it), so it reads back to the same tree.
            case "zeros": return ShapeOf(node).IsScalar ? new Number(0) : new ZeroMatrix(ShapeOf(node));
            case "ones": return ShapeOf(node).IsScalar ? new Number(1) : new Ones(ShapeOf(node));
            default: throw new InvalidOperationException(name);
        }
    }
}
