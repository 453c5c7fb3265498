using MathNet.Numerics.LinearAlgebra;
using NotebookCalc.Numerics;
using NotebookCalc.Rendering;
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
    /// <summary>The Hessian of a scalar function: <c>MatCalc.Hessian("tr(X' A X)", "X", "A: n x n; X: n x m")</c>.</summary>
    public static HessianResult Hessian(string expr, string wrt, string? where = null, GradientOptions? options = null) =>
        Hessian(MatCalc.Parse(expr, where), wrt, options);

    /// <summary>
    /// The direction of the Hessian map: H, unless the function has a symbol named H (then H1, H2, …), with the structure of
    /// the variable (a symmetric variable moves in symmetric directions only).
    /// </summary>
    public static Symbol DirectionFor(Expression f, Symbol x)
    {
        var names = f.Symbols.Select(s => s.Name).Concat(f.Scope.Declarations.Select(d => d.Name)).ToHashSet(StringComparer.Ordinal);
        var name = new[] { "H", "H1", "H2", "H3", "V" }.First(n => !names.Contains(n));
        var props = Structure.Of(x) switch
        {
            VariableStructure.Symmetric => SymbolProps.Symmetric,
            VariableStructure.Diagonal => SymbolProps.Diagonal | SymbolProps.Symmetric,
            _ => SymbolProps.None,
        };
        return new Symbol(name, x.Shape, props);
    }

    private static Derivation RunHessian(string method, Expr gradient, Symbol x, Symbol h) => RunMethod(method, () => method switch
    {
        HessianMethods.Gateaux => HessianMethods.DeriveGateaux(gradient, x, h),
        HessianMethods.Index => HessianMethods.DeriveIndex(gradient, x, h),
        _ => HessianMethods.DeriveDifferential(gradient, x, h),
    });

    private static Failure HessianFailure(Expr gradient) => new("The Hessian derivation", BudgetWhenAny: false,
        $"No method could differentiate the gradient {gradient}",
        "Rewrite the construct (for example with tr/Frobenius products), or differentiate with respect to another variable.");

    /// <summary>Nodes a Hessian or Jacobian cannot be evaluated through.</summary>
    private static bool OpaqueMap(Expr e) => e is JacobianAdjoint or JacobianApply or OpaqueCall;

    public static HessianResult Hessian(Expression f, string wrt, GradientOptions? options = null)
    {
        options ??= new GradientOptions();
        if (!f.Shape.IsScalar)
            throw new MatcalcException(f.Source, DiagnosticCatalog.NotScalar.At(new TextSpan(0, f.Source.Length),
                $"The function is {f.Shape}, not a scalar; Hessians are defined for scalar functions.",
                "For a matrix- or vector-valued function use `matcalc jacobian` (#!matcalc jacobian); or take a scalar of it, e.g. tr(…), sum(…), norm(…)^2."));
        var names = MethodsToRun(options, HessianMethods.Names, "for Hessians");
        // The gradient by the differential method (the most general), or by any method that can derive it.
        GradientResult g;
        try { g = Gradient(f, wrt, options with { Method = DifferentialMethod.Name, Check = false }); }
        catch (MatcalcException ex) when (ex.Diagnostics.Any(d => d.Id is "MC2003" or "MC2005"))
        {
            g = Gradient(f, wrt, options with { Method = "all", Check = false });
        }
        var x = g.Variable;
        var h = DirectionFor(f, x);
        var (methods, succeeded) = RunAll(f, names, m => RunHessian(m, g.Gradient, x, h), HessianFailure(g.Gradient));
        var primary = succeeded.FirstOrDefault(m => m.Method == HessianMethods.Differential) ?? succeeded[0];
        var map = primary.Gradient!;
        // The vec (Kronecker) matrix, appended to the derivation that found the map.
        (methods, var vec, var vecUnsupported) = WithVecForm(methods, primary, x, h, new VecTerm(new HessianMapTerm(h)), new VecDerivativeTerm(x, 2),
            Rules.IdentifyVecHessian.Name, "the vec Hessian");
        methods = [.. IndexMethod.WithVecMatrix(methods, vec, x, 2)];
        var (agree, basis) = Agreement(HessianCheck.SymbolsOf(f, h, [.. methods.Where(m => m.Succeeded).Select(m => m.Gradient!)]).Append(h).ToList(),
            methods.Where(m => m.Succeeded).ToList(), map, OpaqueMap, f.Source, options.Seed, options.Dims);
        var check = options.Check ? HessianCheck.Run(f, x, h, g.Gradient, map, options.Seed, options.Dims) : null;
        var convention = Structure.Of(x) switch
        {
            VariableStructure.Symmetric => $"{x.Name} is symmetric: the directions {h.Name} are symmetric too, and the Hessian is the map on symmetric {h.Name} (its values projected onto symmetric matrices); the vec matrix is that map composed with the projection.",
            VariableStructure.Diagonal => $"{x.Name} is diagonal: the directions {h.Name} are diagonal too, and the Hessian is the map on diagonal {h.Name} (its values' diagonal); the vec matrix is that map composed with the projection.",
            _ => null,
        };
        return new HessianResult(f, x, h, g.Gradient, methods, map, vec, vecUnsupported, agree, basis, check, convention);
    }

    /// <summary>The vec Hessian at given values (the `--at` option): (entries of vec X) × (entries of vec X), column-major.</summary>
    public static Matrix<double> HessianAt(HessianResult r, IReadOnlyDictionary<string, Matrix<double>> values)
    {
        var symbols = HessianCheck.SymbolsOf(r.Function, r.Direction, r.Map, r.Gradient);
        var b = Sampler.Bind(symbols, values, r.Function.Source);
        var x0 = b[r.Variable.Name];
        var n = x0.RowCount * x0.ColumnCount;
        if (n > HessianCheck.MaxVecEntries)
            throw new MatcalcException(r.Function.Source, DiagnosticCatalog.VecHessianTooLarge.At(new TextSpan(0, r.Function.Source.Length),
                $"{r.Variable.Name} is {x0.RowCount}×{x0.ColumnCount} here: its vec Hessian would be {n}×{n}, more than {HessianCheck.MaxVecEntries}×{HessianCheck.MaxVecEntries}.",
                $"Evaluate the map ∇²f[{r.Direction.Name}] instead (a Hessian–vector product), or use smaller values."));
        var m = HessianCheck.VecMatrix(r.Map, r.Variable, r.Direction, b, r.Function.Source);
        if (m.Enumerate().Any(v => !double.IsFinite(v)))
            throw new MatcalcException(r.Function.Source, Diagnostic.Error("MC3008", new TextSpan(0, r.Function.Source.Length),
                "The Hessian is not finite (an overflow or an undefined operation) at these values.", "Check the values."));
        return m;
    }

    // ───────────── Hessian claims ─────────────

    public static ClaimReport CheckHessian(string expr, string wrt, string claim, string? where = null, GradientOptions? options = null) =>
        CheckHessian(MatCalc.Parse(expr, where), wrt, claim, options);

    /// <summary>
    /// Judges a claimed Hessian written as the map applied to the direction (H): numerically, on random instances and
    /// random directions that vary in size and structure, under the verdict rules of gradient claims.
    /// </summary>
    public static ClaimReport CheckHessian(Expression f, string wrt, string claimText, GradientOptions? options = null)
    {
        options ??= new GradientOptions();
        var result = Hessian(f, wrt, options with { Check = false });
        var x = result.Variable;
        var h = result.Direction;
        var truth = result.Map;
        ClaimReport Report(ClaimReport r) => r with { Derivative = "hessian", Direction = h.Name };
        var claim = ReadDerivativeClaim(claimText, ClaimScope(f, h), x.Shape, VecShape(x.Shape, x.Shape), diagnostics => new ClaimReport(false, $"wrong: the claim is not even well-shaped — {diagnostics[0].Message}",
            truth, null, "shape check", null, [], diagnostics), out var illShaped);
        if (claim is null) return Report(illShaped!);
        var usesDirection = claim.Symbols.Any(s => s.Name == h.Name);
        var directionHint = usesDirection ? [] : new List<string>
        {
            $"A Hessian claim is the map applied to the direction {h.Name}: ∇²f[{h.Name}] (for tr(Xᵀ A X), (A + Aᵀ) {h.Name}). This claim does not contain {h.Name}.",
        };
        if (IsVecClaim(claim, h, VecShape(x.Shape, x.Shape)))
            return JudgeVecClaim("hessian", f, x, h, truth, result.VecForm, claim, options, b =>
            {
                GradientCheck.RequireAgreement(f, x, result.Gradient, b);
                HessianCheck.RequireAgreement(f, x, h, result.Gradient, truth, b);
            }, result.Gradient.DescendantsAndSelf().OfType<Symbol>());
        if (claim.Shape != x.Shape && !usesDirection)
        {
            var (shapeVerdict, shapeHints) = VecShapeMessage("hessian", claim.Shape, x.Shape, VecShape(x.Shape, x.Shape), x, h);
            return Report(new ClaimReport(false, shapeVerdict, truth, claim.Expr, "shape check", null, [.. shapeHints, .. directionHint], []));
        }
        if (claim.Shape != x.Shape)
            return Report(new ClaimReport(false,
                $"wrong: the claim is {claim.Shape} but ∇²f[{h.Name}] has the shape of {x.Name} ({x.Shape})",
                truth, claim.Expr, "shape check", null,
                [$"The Hessian map takes a direction {h.Name} of the shape of {x.Name} to a matrix of that shape too (the derivative of the gradient along {h.Name}).", .. directionHint],
                []));
        var symbols = HessianCheck.SymbolsOf(f, h, claim.Expr, truth, result.Gradient).Append(h).ToList();
        return Report(Judge(new ClaimTarget("Hessian", e => e is JacobianAdjoint or JacobianApply, $" with random directions {h.Name}", SymbolicFallback: false),
            f, x, truth, claim, symbols, options, b =>
            {
                GradientCheck.RequireAgreement(f, x, result.Gradient, b);
                HessianCheck.RequireAgreement(f, x, h, result.Gradient, truth, b);
            }, (claimed, structure) =>
            {
                var hints = new List<string>(directionHint);
                // A common slip: the transpose of the direction (ln det X: −X⁻ᵀ H X⁻ᵀ for −X⁻ᵀ Hᵀ X⁻ᵀ).
                if (usesDirection && x.Shape.Rows == x.Shape.Cols && structure == VariableStructure.None)
                {
                    var transposed = HessianMethods.Replace(claimed, e => e is Symbol s && s.Name == h.Name ? new Transpose(h) : null);
                    if (Verdicts.Compare(symbols, truth, Structure.Project(structure, transposed), f.Source, options.Seed, options.Dims).Equal)
                        hints.Add($"The claim would be right with {h.Name}ᵀ in place of {h.Name}: the map is ∇²f[{h.Name}], the derivative of the gradient along {h.Name}, which here involves the transposed direction.");
                }
                return hints;
            }));
    }

}
