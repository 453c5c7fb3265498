using System.Globalization;
using MathNet.Numerics.LinearAlgebra;
using NotebookCalc.Numerics;
using NotebookCalc.Rendering;
using NotebookCalc.Semantics;
using NotebookCalc.Text;

namespace NotebookCalc.Calculus;

/// <summary>
/// The Jacobian of a matrix- or vector-valued F(X): the linear map H ↦ DF(X)[H] (each method's
/// <see cref="Derivation.Gradient"/> holds it), its vec matrix ∂vec F/∂(vec X)ᵀ in Kronecker form when there is one,
/// agreement of the methods and the numerical check.
/// </summary>
public sealed record JacobianResult(
    Expression Function,
    Symbol Variable,
    Symbol Direction,
    IReadOnlyList<Derivation> Methods,
    Expr Map,
    Expr? VecForm,
    string? VecUnsupported,
    bool Agree,
    string AgreementBasis,
    JacobianCheckReport? Check)
{
    public const string Layout =
        "vec is column-major (vec X stacks the columns of X); the Jacobian ∂vec F/∂(vec X)ᵀ is (entries of vec F) × (entries of vec X) in numerator layout: vec(DF(X)[H]) = (∂vec F/∂(vec X)ᵀ) vec H. For F and X column vectors it is the plain Jacobian matrix Jᵢⱼ = ∂Fᵢ/∂Xⱼ.";
}

/// <summary>The numerical check of a Jacobian on one random instance.</summary>
public sealed record JacobianCheckReport(bool Passed, double RelativeError, double Tolerance, int Seed, IReadOnlyDictionary<string, int> Sizes,
    int Directions, bool Columns, string Summary)
{
    public const string ToleranceReason =
        "DF(X)[V] against central differences (F(X + tV) − F(X − tV))/2t with t = 1e-5·max(1, ‖X‖_F) (then t/10, t/100), along random unit directions and, for X with at most 64 entries, along every basis direction (column by column of the vec Jacobian): tolerance 1e-6 relative.";

    public bool Skipped { get; init; }
}

/// <summary>The derivations of a Jacobian: the differential dF = L(dX), and the Gâteaux derivative DF(X)[H].</summary>
public static class JacobianMethods
{
    public const string Differential = "differential";
    public const string Gateaux = "gateaux";
    public const string Index = IndexMethod.Name;

    public static readonly string[] Names = [Gateaux, Index, Differential];

    /// <summary>∂F_ij/∂X_ab in index notation, applied to H and read back as matrices (IndexJacobian.cs).</summary>
    public static Derivation DeriveIndex(Expr f, Symbol x, Symbol h)
    {
        var (steps, map) = IndexMethod.JacobianMap(f, x, h);
        return Finish(steps, map, x, h, Index);
    }

    /// <summary>DF(X)[H], the left-hand side of the map's steps.</summary>
    public static DirectionTerm Map(Symbol x, Symbol h) => new(FunctionTerm.Matrix, x, h);

    private static readonly DifferentialTerm DF = new(FunctionTerm.Matrix);

    public static Derivation DeriveDifferential(Expr f, Symbol x, Symbol h)
    {
        var steps = new List<DerivationStep>
        {
            new(FunctionTerm.Matrix, f, ["definition"]),
            new(DF, new Differential(f), ["definition"]),
        };
        var layers = DifferentialMethod.Layers(f, x);
        foreach (var (e, rules) in layers) steps.Add(new DerivationStep(DF, e, rules));
        // No layer when F is the variable itself: dF = dX is already the differential (not zero).
        var last = layers.Count > 0 ? layers[^1].Expr : new Differential(f);
        var map = HessianMethods.Replace(last, e => e is Differential { Of: Symbol s } && s.Name == x.Name ? h : null);
        steps.Add(new DerivationStep(Map(x, h), map, [Rules.IdentifyJacobian.Name]));
        return Finish(steps, map, x, h, Differential);
    }

    public static Derivation DeriveGateaux(Expr f, Symbol x, Symbol h)
    {
        var (expansion, directional) = GateauxMethod.Directional(f, x, h, FunctionTerm.Matrix);
        var steps = new List<DerivationStep>(expansion) { new(Map(x, h), directional, [Rules.GateauxLimit.Name]) };
        return Finish(steps, directional, x, h, Gateaux);
    }

    private static Derivation Finish(List<DerivationStep> steps, Expr map, Symbol x, Symbol h, string method)
    {
        var simplified = Simplifier.Simplify(map, out var rules);
        if (simplified != map) steps.Add(new DerivationStep(Map(x, h), simplified, rules.Count > 0 ? rules : [Rules.Regroup.Name]));
        return new Derivation(method, steps, simplified);
    }
}

public static class JacobianCheck
{
    public const double Tolerance = 1e-6;

    public static JacobianCheckReport Run(Expression f, Symbol x, Symbol h, Expr map, int seed = 1, IReadOnlyDictionary<string, int>? dims = null)
    {
        if (f.Expr.DescendantsAndSelf().Any(e => e is OpaqueCall) || map.DescendantsAndSelf().Any(e => e is JacobianApply or JacobianAdjoint))
            return new JacobianCheckReport(false, double.NaN, Tolerance, seed, new Dictionary<string, int>(), 0, false,
                "not checked numerically: the function contains an opaque function, which has no numeric value") { Skipped = true };
        var symbols = HessianCheck.SymbolsOf(f, h, map);
        var plans = Sampler.SizePlans(symbols.Select(q => q.Shape), dims);
        MatcalcException? last = null;
        for (var attempt = 0; attempt < 8; attempt++)
        {
            var s = seed + 1000 * attempt;
            try { return RunOn(f, x, h, map, Sampler.Sample(symbols, s, plans[(attempt / 2) % plans.Count]), s); }
            catch (MatcalcException ex) when (ex.Diagnostics.All(d => d.Id.StartsWith("MC3", StringComparison.Ordinal))) { last = ex; }
        }
        throw new MatcalcException(f.Source, last!.Diagnostics.Select(d => d with
        {
            Message = "The numerical check of the Jacobian found no valid random instance in 8 tries over every size assignment: " + d.Message,
        }).ToList());
    }

    public static JacobianCheckReport RunOn(Expression f, Symbol x, Symbol h, Expr map, Bindings b, int seed)
    {
        var x0 = b[x.Name];
        var structure = Structure.Of(x);
        var random = new Random(seed * 7919 + 31);
        const int directions = 3;
        var worst = 0.0;
        for (var k = 0; k < directions; k++)
            worst = Math.Max(worst, HessianCheck.DirectionError(f, x, h, f.Expr, map, b, HessianCheck.RandomDirection(random, x0.RowCount, x0.ColumnCount, structure), projectOutput: false));
        var columns = x0.RowCount * x0.ColumnCount <= HessianCheck.MaxColumns;
        if (columns) worst = Math.Max(worst, HessianCheck.ColumnsError(f, x, h, f.Expr, map, b, structure, projectOutput: false));
        var passed = double.IsFinite(worst) && worst <= Tolerance;
        var sizes = b.Sizes.OrderBy(p => p.Key, StringComparer.Ordinal).ToDictionary(p => p.Key, p => p.Value);
        var sizeText = string.Join(", ", sizes.Select(p => $"{p.Key}={p.Value}"));
        var summary = $"{(passed ? "passed" : "FAILED")}: relative error {worst.ToString("0.0e+0", CultureInfo.InvariantCulture)} against central differences of F " +
                      $"(tolerance {Tolerance.ToString("0e+0", CultureInfo.InvariantCulture)}) on a random instance (seed {seed}{(sizeText.Length > 0 ? ", " + sizeText : "")}), " +
                      $"{directions} directions{(columns ? " and every column of the vec Jacobian" : "")}";
        return new JacobianCheckReport(passed, worst, Tolerance, seed, sizes, directions, columns, summary);
    }
}

public static partial class MatrixCalculus
{
    public static JacobianResult Jacobian(string expr, string wrt, string? where = null, GradientOptions? options = null) =>
        Jacobian(MatCalc.Parse(expr, where), wrt, options);

    /// <summary>The variable of a Jacobian: any symbol of F (F need not be scalar).</summary>
    private static Symbol JacobianVariable(Expression f, string wrt)
    {
        var name = CanonicalName(wrt);
        var x = f.Symbols.FirstOrDefault(s => s.Name == name || Syntax.Greek.Normalize(s.Name) == name);
        if (x is not null) return x;
        var names = string.Join(", ", f.Symbols.Select(s => s.Name));
        throw new MatcalcException(wrt, Diagnostic.Error("MC2002", new TextSpan(0, wrt.Length),
            $"{wrt} does not appear in the function{(names.Length > 0 ? $" (its symbols are {names})" : "")}.",
            names.Length > 0 ? $"Differentiate with respect to one of: {names}." : "The function is constant."));
    }

    private static Derivation RunJacobian(string method, Expr f, Symbol x, Symbol h)
    {
        try
        {
            using var clock = Budget.Start();
            var d = method switch
            {
                JacobianMethods.Gateaux => JacobianMethods.DeriveGateaux(f, x, h),
                JacobianMethods.Index => JacobianMethods.DeriveIndex(f, x, h),
                _ => JacobianMethods.DeriveDifferential(f, x, h),
            };
            Budget.CheckOutput(d);
            return d with { Steps = WithoutRepeats(d.Steps) };
        }
        catch (BudgetExceededException ex) { return new Derivation(method, [], null, ex.Message) { OverBudget = true }; }
        catch (UnsupportedConstructException ex) { return new Derivation(method, [], null, ex.Message); }
    }

    /// <summary>
    /// The Jacobian of F(X), matrix-, vector- or scalar-valued: the map H ↦ DF(X)[H] by the differential and Gâteaux methods,
    /// its vec matrix ∂vec F/∂(vec X)ᵀ in Kronecker form, and the numerical check.
    /// </summary>
    public static JacobianResult Jacobian(Expression f, string wrt, GradientOptions? options = null)
    {
        options ??= new GradientOptions();
        var x = JacobianVariable(f, wrt);
        CheckDims(f, options.Dims);
        if (options.Method != "all" && !JacobianMethods.Names.Contains(options.Method))
            throw new MatcalcException(options.Method, Diagnostic.Error("MC2004", new TextSpan(0, options.Method.Length),
                $"The {options.Method} method is not available for Jacobians.", $"Use --method {string.Join(", ", JacobianMethods.Names)} or all."));
        var h = DirectionFor(f, x);
        var names = options.Method == "all" ? JacobianMethods.Names : [options.Method];
        var methods = names.Select(m => RunJacobian(m, f.Expr, x, h)).ToList();
        var succeeded = methods.Where(m => m.Succeeded).ToList();
        if (succeeded.Count == 0 && methods.All(m => m.OverBudget))
            throw new MatcalcException(f.Source, Diagnostic.Error("MC2005", new TextSpan(0, f.Source.Length),
                $"The Jacobian derivation exceeds its budget: {string.Join("; ", methods.Select(m => $"{m.Method}: {m.Unsupported}"))}.", Budget.Hint));
        if (succeeded.Count == 0)
            throw new MatcalcException(f.Source, Diagnostic.Error("MC2003", new TextSpan(0, f.Source.Length),
                $"No method could differentiate this function: {string.Join("; ", methods.Select(m => $"{m.Method}: {m.Unsupported}"))}.",
                "Rewrite the construct, or differentiate with respect to another variable."));
        var primary = succeeded.FirstOrDefault(m => m.Method == JacobianMethods.Differential) ?? succeeded[0];
        var map = primary.Gradient!;
        Expr? vec = null;
        string? vecUnsupported = null;
        try
        {
            using var clock = Budget.Start();
            var (matrix, found) = VecForm.Of(map, h);
            var rules = found.Where(r => r != Rules.IdentifyVecHessian.Name).ToList();
            var n = Dim.Product(x.Shape.Rows, x.Shape.Cols);
            matrix = Structure.Of(x) switch
            {
                VariableStructure.Symmetric => Ops.Mul(matrix, new Divide(new Add(new Identity(n), new Commutation(x.Shape.Rows, x.Shape.Cols)), new Number(2))),
                VariableStructure.Diagonal => Ops.Mul(matrix, new DiagMatrix(new Vec(new Identity(x.Shape.Rows)))),
                _ => matrix,
            };
            if (Structure.RuleOf(Structure.Of(x)) is { } structureRule) rules.Add(structureRule.Name);
            vec = Budget.CheckSize(matrix, "the vec Jacobian");
            var vecH = h.Shape.Cols.IsOne ? (Expr)h : new Vec(h);
            var steps = primary.Steps.ToList();
            steps.Add(new DerivationStep(new VecTerm(JacobianMethods.Map(x, h)), Ops.Mul(vec, vecH), rules.Count > 0 ? rules : [Rules.VecProduct.Name]));
            steps.Add(new DerivationStep(new VecDerivativeTerm(x, 1), vec, [Rules.IdentifyJacobian.Name]));
            var withVec = primary with { Steps = steps };
            methods = IndexMethod.WithVecMatrix(methods.Select(m => ReferenceEquals(m, primary) ? withVec : m).ToList(), vec, x, 1).ToList();
        }
        catch (UnsupportedConstructException ex) { vecUnsupported = ex.Message; }
        var (agree, basis) = HessianAgreement(f, h, methods.Where(m => m.Succeeded).ToList(), map, options.Seed, options.Dims);
        var check = options.Check ? JacobianCheck.Run(f, x, h, map, options.Seed, options.Dims) : null;
        return new JacobianResult(f, x, h, methods, map, vec, vecUnsupported, agree, basis, check);
    }

    /// <summary>The vec Jacobian at given values: (entries of vec F) × (entries of vec X), column-major.</summary>
    public static Matrix<double> JacobianAt(JacobianResult r, IReadOnlyDictionary<string, Matrix<double>> values)
    {
        var symbols = HessianCheck.SymbolsOf(r.Function, r.Direction, r.Map);
        var b = Sampler.Bind(symbols, values, r.Function.Source);
        var x0 = b[r.Variable.Name];
        var f0 = Evaluator.Evaluate(r.Function.Expr, b, r.Function.Source);
        if ((long)x0.RowCount * x0.ColumnCount * f0.RowCount * f0.ColumnCount > 160_000)
            throw new MatcalcException(r.Function.Source, DiagnosticCatalog.VecHessianTooLarge.At(new TextSpan(0, r.Function.Source.Length),
                $"the vec Jacobian would be {f0.RowCount * f0.ColumnCount}×{x0.RowCount * x0.ColumnCount}, more than 160,000 entries.",
                $"Evaluate the map DF({r.Variable.Name})[{r.Direction.Name}] instead (a Jacobian–vector product), or use smaller values."));
        var m = HessianCheck.VecMatrix(r.Map, r.Variable, r.Direction, b, r.Function.Source, projectOutput: false);
        if (m.Enumerate().Any(v => !double.IsFinite(v)))
            throw new MatcalcException(r.Function.Source, Diagnostic.Error("MC3008", new TextSpan(0, r.Function.Source.Length),
                "The Jacobian is not finite (an overflow or an undefined operation) at these values.", "Check the values."));
        return m;
    }
}

public static partial class MatrixCalculus
{
    public static ClaimReport CheckJacobian(string expr, string wrt, string claim, string? where = null, GradientOptions? options = null) =>
        CheckJacobian(MatCalc.Parse(expr, where), wrt, claim, options);

    /// <summary>
    /// Judges a claimed Jacobian written as the map applied to the direction (H), e.g. `A H B` for A X B: numerically, on
    /// random instances and directions, under the verdict rules of gradient claims.
    /// </summary>
    public static ClaimReport CheckJacobian(Expression f, string wrt, string claimText, GradientOptions? options = null)
    {
        options ??= new GradientOptions();
        var result = Jacobian(f, wrt, options with { Check = false });
        var x = result.Variable;
        var h = result.Direction;
        var truth = result.Map;
        var label = $"DF({x.Name})[{h.Name}]";
        ClaimReport Report(ClaimReport r) => r with { Derivative = "jacobian", Direction = h.Name };
        var scope = f.Scope.With(f.Symbols.Where(s => !f.Scope.TryGet(s.Name, out _))
            .Select(s => new Declaration(s.Name, s.Shape, s.Props, default)))
            .With([new Declaration(h.Name, h.Shape, h.Props, default)]);
        Expression claim;
        try { claim = ParseDerivativeClaim(claimText, scope, f.Shape, VecShape(f.Shape, x.Shape)); }
        catch (MatcalcException ex) when (ex.Diagnostics.Any(d => d.Id.StartsWith("MC1", StringComparison.Ordinal)))
        {
            return Report(new ClaimReport(false, $"wrong: the claim is not even well-shaped — {ex.Diagnostics[0].Message}", truth, null, "shape check", null, [], ex.Diagnostics));
        }
        var directionHint = claim.Symbols.Any(s => s.Name == h.Name) ? [] : new List<string>
        {
            $"A Jacobian claim is the map applied to the direction {h.Name}: {label} (for A X B, A {h.Name} B). This claim does not contain {h.Name}.",
        };
        if (IsVecClaim(claim, h, VecShape(f.Shape, x.Shape)))
            return JudgeVecClaim("jacobian", f, x, h, truth, result.VecForm, claim, options,
                b => HessianCheck.RequireAgreement(f, x, h, f.Expr, truth, b, "Jacobian"), []);
        if (claim.Shape != f.Shape && directionHint.Count > 0)
        {
            var (verdict, hints) = VecShapeMessage("jacobian", claim.Shape, f.Shape, VecShape(f.Shape, x.Shape), x, h);
            // A claim of the transposed vec shape is a vec matrix in the other layout: the layout hints, not the direction hint.
            var layout = claim.Shape == VecShape(f.Shape, x.Shape).Transposed;
            if (TransposedVecClaim(f, x, h, truth, result.VecForm, claim, options) is { } transposed) hints[0] = transposed;
            return Report(new ClaimReport(false, verdict, truth, claim.Expr, "shape check", null, layout ? hints : [.. hints, .. directionHint], []));
        }
        if (claim.Shape != f.Shape)
            return Report(new ClaimReport(false, $"wrong: the claim is {claim.Shape} but {label} has the shape of F ({f.Shape})",
                truth, claim.Expr, "shape check", null, [$"The Jacobian map takes a direction {h.Name} of the shape of {x.Name} to a matrix of the shape of F.", .. directionHint], []));
        var symbolic = Simplifier.Simplify(claim.Expr) == truth;
        var symbols = HessianCheck.SymbolsOf(f, h, claim.Expr, truth).Append(h).ToList();
        if (truth.DescendantsAndSelf().Any(e => e is JacobianAdjoint or JacobianApply) || claim.Expr.DescendantsAndSelf().Any(e => e is OpaqueCall))
            return Report(symbolic
                ? new ClaimReport(true, "right (equal to the derived Jacobian symbolically; the opaque function cannot be evaluated numerically)", truth, claim.Expr, "symbolic", null, [], [])
                : new ClaimReport(false, "undecided: the claim differs symbolically and the opaque function cannot be evaluated", truth, claim.Expr,
                    "symbolic", null, ["Replace the opaque function by a concrete one to compare numerically."], []));
        var outcome = Verdicts.Compare(symbols, truth, claim.Expr, f.Source, options.Seed, options.Dims, symbolic,
            b => HessianCheck.RequireAgreement(f, x, h, f.Expr, truth, b, "Jacobian"));
        var basis = outcome.Basis;
        if (outcome.Counter is null)
        {
            if (!outcome.Equal) throw CannotJudge(f, outcome);
            return Report(new ClaimReport(true,
                $"right (equal to the derived Jacobian on {basis.Instances.Count} instances with random directions {h.Name} over {basis.SizeAssignments} size assignment{(basis.SizeAssignments == 1 ? "" : "s")})",
                truth, claim.Expr, symbolic ? "numeric (also equal symbolically)" : "numeric", null, [], [], basis));
        }
        return Report(new ClaimReport(false, "wrong: it differs from the derived Jacobian on a random instance", truth, claim.Expr, "numeric", outcome.Counter, directionHint, [], basis));
    }
}
