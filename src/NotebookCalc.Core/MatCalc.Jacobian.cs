using MathNet.Numerics.LinearAlgebra;
using NotebookCalc.Numerics;
using NotebookCalc.Semantics;
using NotebookCalc.Text;
using NotebookCalc.Differentiation;
using NotebookCalc.Differentiation.Differentials;
using NotebookCalc.Differentiation.Gateaux;
using NotebookCalc.Differentiation.Index;
using NotebookCalc.Expressions;
using NotebookCalc.Rewriting;

namespace NotebookCalc;

public static partial class MatCalc
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

    private static Derivation RunJacobian(string method, Expr f, Symbol x, Symbol h) => RunMethod(method, () => method switch
    {
        JacobianMethods.Gateaux => JacobianMethods.DeriveGateaux(f, x, h),
        JacobianMethods.Index => JacobianMethods.DeriveIndex(f, x, h),
        _ => JacobianMethods.DeriveDifferential(f, x, h),
    });

    private static readonly Failure JacobianFailure = new("The Jacobian derivation", BudgetWhenAny: false, "No method could differentiate this function",
        "Rewrite the construct, or differentiate with respect to another variable.");

    /// <summary>
    /// The Jacobian of F(X), matrix-, vector- or scalar-valued: the map H ↦ DF(X)[H] by the differential and Gâteaux methods,
    /// its vec matrix ∂vec F/∂(vec X)ᵀ in Kronecker form, and the numerical check.
    /// </summary>
    public static JacobianResult Jacobian(Expression f, string wrt, GradientOptions? options = null)
    {
        options ??= new GradientOptions();
        var x = JacobianVariable(f, wrt);
        CheckDims(f, options.Dims);
        var names = MethodsToRun(options, JacobianMethods.Names, "for Jacobians");
        var h = DirectionFor(f, x);
        var (methods, succeeded) = RunAll(f, names, m => RunJacobian(m, f.Expr, x, h), JacobianFailure);
        var primary = succeeded.FirstOrDefault(m => m.Method == JacobianMethods.Differential) ?? succeeded[0];
        var map = primary.Gradient!;
        (methods, var vec, var vecUnsupported) = WithVecForm(methods, primary, x, h, new VecTerm(JacobianMethods.Map(x, h)), new VecDerivativeTerm(x, 1),
            Rules.IdentifyJacobian.Name, "the vec Jacobian");
        methods = [.. IndexMethod.WithVecMatrix(methods, vec, x, 1)];
        var (agree, basis) = Agreement(HessianCheck.SymbolsOf(f, h, [.. methods.Where(m => m.Succeeded).Select(m => m.Gradient!)]).Append(h).ToList(),
            methods.Where(m => m.Succeeded).ToList(), map, OpaqueMap, f.Source, options.Seed, options.Dims);
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

public static partial class MatCalc
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
        var claim = ReadDerivativeClaim(claimText, ClaimScope(f, h), f.Shape, VecShape(f.Shape, x.Shape), diagnostics => new ClaimReport(false, $"wrong: the claim is not even well-shaped — {diagnostics[0].Message}",
            truth, null, "shape check", null, [], diagnostics), out var illShaped);
        if (claim is null) return Report(illShaped!);
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
        var symbols = HessianCheck.SymbolsOf(f, h, claim.Expr, truth).Append(h).ToList();
        return Report(Judge(new ClaimTarget("Jacobian", e => e is JacobianAdjoint or JacobianApply, $" with random directions {h.Name}", SymbolicFallback: false, Structured: false),
            f, x, truth, claim, symbols, options, b => HessianCheck.RequireAgreement(f, x, h, f.Expr, truth, b, "Jacobian"), (_, _) => directionHint));
    }

}
