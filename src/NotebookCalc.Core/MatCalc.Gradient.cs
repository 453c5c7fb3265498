using System.Globalization;
using MathNet.Numerics.LinearAlgebra;
using NotebookCalc.Numerics;
using NotebookCalc.Rendering;
using NotebookCalc.Semantics;
using NotebookCalc.Text;

using NotebookCalc.Calculus;

namespace NotebookCalc;

/// <summary>Derivatives through the one entry point: <c>MatCalc.Gradient("tr(W W')", "W", "W: n x m")</c>, claims with <c>MatCalc.Check</c>.</summary>
public static partial class MatCalc
{
    /// <summary>The methods in display order: Gâteaux, index notation, differential.</summary>
    public static readonly string[] MethodNames = DerivationMethods.Names;

    /// <summary>
    /// A step that writes the same line again (a rule applied where it changes nothing visible, e.g. tr(A H) rotated into
    /// itself) only makes the reader look for a difference: it is left out.
    /// </summary>
    private static IReadOnlyList<DerivationStep> WithoutRepeats(IReadOnlyList<DerivationStep> steps) =>
        steps.Where((s, i) => i == 0 || !s.SameLine(steps[i - 1])).ToList();

    /// <summary>How the reason of a method that declined because of a bug begins (the fuzz harness looks for it).</summary>
    public const string InternalError = "internal error (a bug in NotebookCalc)";

    private static Derivation Run(string method, Expr f, Symbol x) => RunMethod(method,
        () => (DerivationMethods.Find(method) ?? throw new UnsupportedConstructException($"unknown method {method}")).Derive(f, x),
        // A gradient has the shape of its variable; anything else is a bug of the method, which then declines (the other
        // methods still answer) rather than give a wrong result.
        d => d.Gradient is { } g && g.Shape != x.Shape
            ? new Derivation(method, [], null, $"{InternalError}: the result is {g.Shape}, not {x.Shape} like {x.Name}") : null);

    public static GradientResult Gradient(string expr, string wrt, string? where = null, GradientOptions? options = null) =>
        Gradient(MatCalc.Parse(expr, where), wrt, options);

    /// <summary>--dims may only name dimensions of the function (a size for a dimension it lacks is a slip: MC3009).</summary>
    private static void CheckDims(Expression f, IReadOnlyDictionary<string, int>? dims)
    {
        if (dims is null || dims.Count == 0) return;
        var own = f.Symbols.SelectMany(s => s.Shape.Rows.Names().Concat(s.Shape.Cols.Names())).Distinct().Order(StringComparer.Ordinal).ToList();
        var source = string.Join(",", dims.Select(p => $"{p.Key}={p.Value}"));
        var at = 0;
        foreach (var (name, size) in dims)
        {
            var entry = $"{name}={size}";
            if (!own.Contains(name))
                throw new MatcalcException(source, Text.DiagnosticCatalog.BadDims.At(new TextSpan(at, entry.Length),
                    $"--dims gives a size to {name}, which is not a dimension of the function.",
                    own.Count == 0 ? "The function has no symbolic dimensions: leave --dims out." : $"Its dimensions are {string.Join(", ", own)}."));
            at += entry.Length + 1;
        }
    }

    private static readonly Failure GradientFailure = new("The derivation", BudgetWhenAny: true, "No method could differentiate this function",
        "Rewrite the construct (for example with tr/Frobenius products), or differentiate with respect to another variable.");

    public static GradientResult Gradient(Expression f, string wrt, GradientOptions? options = null)
    {
        options ??= new GradientOptions();
        var x = Variable(f, wrt);
        CheckDims(f, options.Dims);
        var (methods, succeeded) = RunAll(f, MethodsToRun(options, MethodNames, "in this version"), m => Run(m, f.Expr, x), GradientFailure);
        // The common result is the differential method's when it succeeded (it is the most general), else the first.
        var structure = Structure.Of(x);
        if (structure != VariableStructure.None)
        {
            // A structured variable moves only in structured directions: each method's G is projected onto them.
            methods = methods.Select(m => m.Succeeded ? Projected(m, structure) : m).ToList();
            succeeded = methods.Where(m => m.Succeeded).ToList();
        }
        var gradient = (succeeded.FirstOrDefault(m => m.Method == DifferentialMethod.Name) ?? succeeded[0]).Gradient!;
        var symbols = f.Symbols.Concat(succeeded.SelectMany(m => m.Gradient!.DescendantsAndSelf().OfType<Symbol>())).DistinctBy(s => s.Name).ToList();
        var (agree, basis) = Agreement(symbols, succeeded, gradient, e => e is JacobianAdjoint or OpaqueCall, f.Source, options.Seed, options.Dims);
        var check = options.Check ? GradientCheck.Run(f, x, gradient, options.Seed, options.Dims) : null;
        return new GradientResult(f, x, methods, gradient, agree, basis, check, Structure.Convention(structure, x.Name));
    }

    private static Derivation Projected(Derivation m, VariableStructure structure)
    {
        var last = m.Steps[^1];
        var projected = Simplifier.Simplify(Structure.Project(structure, m.Gradient!), out var rules);
        var rule = Structure.RuleOf(structure)!.Name;
        // Already structured (x xᵀ for a symmetric variable): the last line stands, and names the rule too.
        if (projected == m.Gradient)
            return m with { Steps = [.. m.Steps.SkipLast(1), last with { Rules = [.. last.Rules, rule] }] };
        var step = new DerivationStep(last.Lhs, projected, [rule, .. rules]);
        return m with { Steps = [.. m.Steps, step], Gradient = projected };
    }

    /// <summary>A name as the lexer reads it (Ω → Omega, λ₁ → lambda1), so --wrt Ω names the same symbol as Ω in f.</summary>
    private static string CanonicalName(string wrt)
    {
        var tokens = Syntax.Lexer.Tokenize(wrt.Trim(), []);
        return tokens is [{ Kind: Syntax.TokenKind.Identifier } only, ..] && tokens.Skip(1).All(t => t.Kind == Syntax.TokenKind.End)
            ? only.Text : Syntax.Greek.Normalize(wrt.Trim());
    }

    private static Symbol Variable(Expression f, string wrt)
    {
        var name = CanonicalName(wrt);
        if (!f.Shape.IsScalar)
            throw new MatcalcException(f.Source, Diagnostic.Error("MC2001", new TextSpan(0, f.Source.Length),
                $"The function is {f.Shape}, not a scalar; gradients are defined for scalar functions.",
                "Take a scalar of it, e.g. tr(…), sum(…), norm(…)^2, or a Frobenius product with another matrix."));
        var x = f.Symbols.FirstOrDefault(s => s.Name == name || Syntax.Greek.Normalize(s.Name) == name);
        if (x is null)
        {
            var names = string.Join(", ", f.Symbols.Select(s => s.Name));
            throw new MatcalcException(wrt, Diagnostic.Error("MC2002", new TextSpan(0, wrt.Length),
                $"{wrt} does not appear in the function{(names.Length > 0 ? $" (its symbols are {names})" : "")}.",
                names.Length > 0 ? $"Differentiate with respect to one of: {names}." : "The function is constant."));
        }
        return x;
    }

    /// <summary>
    /// The dimension sizes that values given with --at imply (their shapes and declared properties checked), merged with
    /// --dims; a dimension both give differently is an error (MC3006).
    /// </summary>
    public static IReadOnlyDictionary<string, int> SizesOf(Expression f, IReadOnlyDictionary<string, Matrix<double>> values, IReadOnlyDictionary<string, int>? dims)
    {
        var given = f.Symbols.Where(s => values.ContainsKey(s.Name)).ToList();
        var sizes = new Dictionary<string, int>(Sampler.Bind(given, values, f.Source).Sizes, StringComparer.Ordinal);
        foreach (var (name, size) in dims ?? new Dictionary<string, int>())
        {
            if (sizes.TryGetValue(name, out var fromValues) && fromValues != size)
                throw new MatcalcException(f.Source, Diagnostic.Error("MC3006", new TextSpan(0, f.Source.Length),
                    $"--dims gives {name}={size} but the values given with --at make {name} {fromValues}.", "Drop one of the two, or make them agree."));
            sizes[name] = size;
        }
        return sizes;
    }

    /// <summary>Evaluates the gradient at given values (the `--at` option).</summary>
    public static Matrix<double> EvaluateAt(GradientResult r, IReadOnlyDictionary<string, Matrix<double>> values)
    {
        var symbols = r.Function.Symbols.Concat(r.Gradient.DescendantsAndSelf().OfType<Symbol>()).DistinctBy(s => s.Name);
        return Evaluator.Evaluate(r.Gradient, Sampler.Bind(symbols, values, r.Function.Source), r.Function.Source);
    }

    // ───────────── claims ─────────────

    public static ClaimReport Check(string expr, string wrt, string claim, string? where = null, GradientOptions? options = null) =>
        Check(MatCalc.Parse(expr, where), wrt, claim, options);

    public static ClaimReport Check(Expression f, string wrt, string claimText, GradientOptions? options = null)
    {
        options ??= new GradientOptions();
        var result = Gradient(f, wrt, options with { Check = false });
        var x = result.Variable;
        var truth = result.Gradient;
        // The claim may use every symbol of f with the shapes inferred there.
        var claim = ReadClaim(claimText, ClaimScope(f, null), x.Shape, diagnostics => new ClaimReport(false, $"wrong: the claim is not even well-shaped — {diagnostics[0].Message}",
            truth, null, "shape check", null, SquareHint(f, wrt, claimText, options), diagnostics), out var illShaped);
        if (claim is null) return illShaped!;
        if (claim.Shape != x.Shape)
            return new ClaimReport(false,
                $"wrong: the claim is {claim.Shape} but ∂f/∂{x.Name} must have the shape of {x.Name} ({x.Shape})",
                truth, claim.Expr, "shape check", null,
                [$"A gradient has the shape of the variable (denominator layout: ∂f/∂X has X's shape); a result of shape {claim.Shape} usually means a Jacobian or a transposed product was written.",
                 .. SquareHint(f, wrt, claimText, options)],
                []);
        var symbols = f.Symbols.Concat(claim.Symbols).Concat(truth.DescendantsAndSelf().OfType<Symbol>()).DistinctBy(s => s.Name).ToList();
        return Judge(new ClaimTarget("gradient", e => e is JacobianAdjoint, "", SymbolicFallback: true), f, x, truth, claim, symbols, options,
            b => GradientCheck.RequireAgreement(f, x, truth, b), (claimed, structure) =>
            {
                var hints = new List<string>();
                if (structure == VariableStructure.Symmetric && Verdicts.Compare(symbols, Structure.VechForm(truth), claimed, f.Source, options.Seed, options.Dims).Equal)
                    hints.Add($"This is the Matrix Cookbook's 2G − G∘I form: the derivative of f with respect to the independent entries of {x.Name} (vech {x.Name}), " +
                              $"not its gradient under the Frobenius product. With df = G : d{x.Name} and d{x.Name} symmetric, it counts every off-diagonal entry twice; the gradient within symmetric matrices is sym(G) = (G + Gᵀ)/2.");
                foreach (var s in symbols.Where(s => s.Shape.IsSquare && !s.Shape.IsScalar && !s.Props.HasFlag(SymbolProps.Symmetric) && s.Name != x.Name))
                {
                    var sym = symbols.Select(t => t.Name == s.Name ? t with { Props = t.Props | SymbolProps.Symmetric } : t).ToList();
                    if (Verdicts.Compare(sym, truth, claimed, f.Source, options.Seed, options.Dims).Equal)
                        hints.Add($"The claim would be right if {s.Name} were symmetric ({s.Name}ᵀ = {s.Name}); declare `{s.Name}: {s.Shape.ToDeclaration()} symmetric` if it is.");
                }
                return hints;
            });
    }

    /// <summary>No instance could decide: every draw was singular, out of the domain, or too ill-conditioned.</summary>
    private static MatcalcException CannotJudge(Expression f, Verdicts.Outcome outcome)
    {
        if (outcome.LastFailure is { } last && outcome.Basis.Instances.Count == 0)
            return new MatcalcException(last.Source, last.Diagnostics.Select(d => d with
            {
                Message = "The claim cannot be judged: no random instance, over every size assignment tried, could be evaluated. " + d.Message,
            }).ToList());
        if (outcome.Basis.Decisive >= 1 && outcome.Basis.SizeAssignments < 2)
            return new MatcalcException(f.Source, Diagnostic.Error("MC3011", new TextSpan(0, f.Source.Length),
                $"The claim cannot be judged: it could be compared at one size assignment only ({outcome.Basis.Summary}), and a claim that holds at one size may hard-code it.",
                "Give the sizes with --dims if the problem is meant for those sizes only, or check why other sizes make f undefined."));
        return new MatcalcException(f.Source, Diagnostic.Error("MC3011", new TextSpan(0, f.Source.Length),
            $"The claim cannot be judged: the instances that could be evaluated were too ill-conditioned to tell equal from different ({outcome.Basis.Summary}).",
            "Rewrite the function in a better-conditioned form (for example ln det(Xᵏ) as k ln|det X|), or choose other sizes with --dims."));
    }

    /// <summary>
    /// A claim is read on its own first; only when that leaves something unsized (2 tr(X) I) is it read again knowing that
    /// it must have the variable's shape — so a claim of the wrong shape is still reported as such, not bent to fit.
    /// </summary>
    private static Expression ParseClaim(string text, Scope scope, Shape shape)
    {
        try
        {
            var claim = MatCalc.Parse(text, scope);
            // A claim of 0 is the zero gradient, whatever the variable's shape (0 takes its shape from the context, §1).
            return claim.Expr is Number { Value: 0 } && !shape.IsScalar ? claim.WithExpr(new ZeroMatrix(shape)) : claim;
        }
        catch (MatcalcException first) when (first.Diagnostics.Any(d => d.Id.StartsWith("MC1", StringComparison.Ordinal)))
        {
            try { return MatCalc.Parse(text, scope, shape); }
            catch (MatcalcException) { throw first; }
        }
    }

    /// <summary>For an ill-shaped claim: would it be well-shaped, and right, if every dimension were the same (all square)?</summary>
    private static IReadOnlyList<string> SquareHint(Expression f, string wrt, string claimText, GradientOptions options)
    {
        var dims = f.Symbols.SelectMany(s => s.Shape.Rows.Names().Concat(s.Shape.Cols.Names())).Distinct().ToList();
        if (dims.Count < 2) return [];
        var n = Dim.Of(dims[0]);
        Dim Square(Dim d) => d is NamedDim ? n : d;
        var scope = f.Scope.With(f.Symbols.Select(s => new Declaration(s.Name, new Shape(Square(s.Shape.Rows), Square(s.Shape.Cols)), s.Props, default)))
            .With(f.Scope.Declarations.Where(d => d.IsFunction).Select(d => d with { Shape = new Shape(Square(d.Shape.Rows), Square(d.Shape.Cols)) }));
        var list = string.Join(", ", dims);
        try
        {
            var square = MatCalc.Parse(f.Source, scope);
            var report = Check(square, wrt, claimText, options);
            return report.Right
                ? [$"The claim is right only when the dimensions {list} are all equal (square matrices)."]
                : [$"Even with the dimensions {list} all equal (square matrices) the claim is {report.Verdict}." +
                   (report.Counterexample is null ? "" : "\n" + Describe(report.Counterexample, wrt))];
        }
        catch (MatcalcException)
        {
            return [$"The claim does not fit the shapes even when the dimensions {list} are all equal."];
        }
    }

    /// <summary>A counterexample in one line: seed, sizes and the entries that differ most.</summary>
    public static string Brief(Counterexample c, string variable = "X") =>
        $"counterexample with seed {c.Seed} ({string.Join(", ", c.Sizes.Select(p => $"{p.Key}={p.Value}"))}): " +
        string.Join(", ", c.Differences.Take(3).Select(d => string.Create(CultureInfo.InvariantCulture,
            $"entry ({d.Row + 1},{d.Col + 1}) is {MatrixText.Number(d.Expected)} in ∂f/∂{variable} but {MatrixText.Number(d.Claimed)} in the claim")));

    public static string Describe(Counterexample c, string variable = "X", string? label = null)
    {
        label ??= $"∂f/∂{variable}";
        var sb = new System.Text.StringBuilder();
        sb.Append($"Counterexample (seed {c.Seed}; {string.Join(", ", c.Sizes.Select(p => $"{p.Key}={p.Value}"))}):");
        foreach (var (name, value) in c.Values.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (value.RowCount > 6 || value.ColumnCount > 6) { sb.Append($"\n  {name} = ({value.RowCount}×{value.ColumnCount} matrix; see --format json)"); continue; }
            var text = MatrixText.Format(value, 4).Split('\n');
            sb.Append($"\n  {name} = ").Append(text[0]);
            foreach (var line in text.Skip(1)) sb.Append("\n  ").Append(new string(' ', name.Length + 3)).Append(line);
        }
        sb.Append("\n  entries that differ most:");
        foreach (var (i, j, e, cl) in c.Differences)
            sb.Append(CultureInfo.InvariantCulture, $"\n  ({i + 1},{j + 1}): {label} = {MatrixText.Number(e)}, claim = {MatrixText.Number(cl)} (off by {MatrixText.Number(cl - e)})");
        return sb.ToString();
    }
}
