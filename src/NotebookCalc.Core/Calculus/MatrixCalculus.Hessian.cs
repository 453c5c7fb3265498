using MathNet.Numerics.LinearAlgebra;
using NotebookCalc.Numerics;
using NotebookCalc.Rendering;
using NotebookCalc.Semantics;
using NotebookCalc.Text;

namespace NotebookCalc.Calculus;

public static partial class MatrixCalculus
{
    /// <summary>The Hessian of a scalar function: <c>MatrixCalculus.Hessian("tr(X' A X)", "X", "A: n x n; X: n x m")</c>.</summary>
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

    private static Derivation RunHessian(string method, Expr gradient, Symbol x, Symbol h)
    {
        try
        {
            using var clock = Budget.Start();
            var d = method switch
            {
                HessianMethods.Gateaux => HessianMethods.DeriveGateaux(gradient, x, h),
                HessianMethods.Index => HessianMethods.DeriveIndex(gradient, x, h),
                _ => HessianMethods.DeriveDifferential(gradient, x, h),
            };
            Budget.CheckOutput(d);
            return d with { Steps = WithoutRepeats(d.Steps) };
        }
        catch (BudgetExceededException ex)
        {
            return new Derivation(method, [], null, ex.Message) { OverBudget = true };
        }
        catch (UnsupportedConstructException ex)
        {
            return new Derivation(method, [], null, ex.Message);
        }
    }

    public static HessianResult Hessian(Expression f, string wrt, GradientOptions? options = null)
    {
        options ??= new GradientOptions();
        if (!f.Shape.IsScalar)
            throw new MatcalcException(f.Source, DiagnosticCatalog.NotScalar.At(new TextSpan(0, f.Source.Length),
                $"The function is {f.Shape}, not a scalar; Hessians are defined for scalar functions.",
                "For a matrix- or vector-valued function use `matcalc jacobian` (#!matcalc jacobian); or take a scalar of it, e.g. tr(…), sum(…), norm(…)^2."));
        if (options.Method != "all" && !HessianMethods.Names.Contains(options.Method))
            throw new MatcalcException(options.Method, Diagnostic.Error("MC2004", new TextSpan(0, options.Method.Length),
                $"The {options.Method} method is not available for Hessians.", $"Use --method {string.Join(", ", HessianMethods.Names)} or all."));
        // The gradient by the differential method (the most general), or by any method that can derive it.
        GradientResult g;
        try { g = Gradient(f, wrt, options with { Method = DifferentialMethod.Name, Check = false }); }
        catch (MatcalcException ex) when (ex.Diagnostics.Any(d => d.Id is "MC2003" or "MC2005"))
        {
            g = Gradient(f, wrt, options with { Method = "all", Check = false });
        }
        var x = g.Variable;
        var h = DirectionFor(f, x);
        var names = options.Method == "all" ? HessianMethods.Names : [options.Method];
        var methods = names.Select(m => RunHessian(m, g.Gradient, x, h)).ToList();
        var succeeded = methods.Where(m => m.Succeeded).ToList();
        if (succeeded.Count == 0 && methods.All(m => m.OverBudget))
            throw new MatcalcException(f.Source, Diagnostic.Error("MC2005", new TextSpan(0, f.Source.Length),
                $"The Hessian derivation exceeds its budget: {string.Join("; ", methods.Select(m => $"{m.Method}: {m.Unsupported}"))}.", Budget.Hint));
        if (succeeded.Count == 0)
            throw new MatcalcException(f.Source, Diagnostic.Error("MC2003", new TextSpan(0, f.Source.Length),
                $"No method could differentiate the gradient {TextPrinter.Print(g.Gradient)}: {string.Join("; ", methods.Select(m => $"{m.Method}: {m.Unsupported}"))}.",
                "Rewrite the construct (for example with tr/Frobenius products), or differentiate with respect to another variable."));
        var primary = succeeded.FirstOrDefault(m => m.Method == HessianMethods.Differential) ?? succeeded[0];
        var map = primary.Gradient!;

        // The vec (Kronecker) matrix, appended to the derivation that found the map.
        Expr? vec = null;
        string? vecUnsupported = null;
        try
        {
            using var clock = Budget.Start();
            var (matrix, found) = VecForm.Of(map, h);
            var rules = found.ToList();
            // A structured variable moves in structured directions only: the map is composed with the projection onto them,
            // sym: (I + K)/2, diagonal: diag(vec I), so that the vec matrix is defined on every vec H.
            var n = Dim.Product(x.Shape.Rows, x.Shape.Cols);
            matrix = Structure.Of(x) switch
            {
                VariableStructure.Symmetric => Ops.Mul(matrix, new Divide(new Add(new Identity(n), new Commutation(x.Shape.Rows, x.Shape.Cols)), new Number(2))),
                VariableStructure.Diagonal => Ops.Mul(matrix, new DiagMatrix(new Vec(new Identity(x.Shape.Rows)))),
                _ => matrix,
            };
            if (Structure.RuleOf(Structure.Of(x)) is { } structureRule) rules.Add(structureRule.Name);
            vec = Budget.CheckSize(matrix, "the vec Hessian");
            var vecH = h.Shape.Cols.IsOne ? (Expr)h : new Vec(h);
            var steps = primary.Steps.ToList();
            steps.Add(new DerivationStep(new VecTerm(new HessianMapTerm(h)), Ops.Mul(vec, vecH), rules.Where(r => r != Rules.IdentifyVecHessian.Name).DefaultIfEmpty(Rules.VecProduct.Name).ToList()));
            steps.Add(new DerivationStep(new VecDerivativeTerm(x, 2), vec, [Rules.IdentifyVecHessian.Name]));
            var withVec = primary with { Steps = steps };
            methods = IndexMethod.WithVecMatrix(methods.Select(m => ReferenceEquals(m, primary) ? withVec : m).ToList(), vec, x, 2).ToList();
        }
        catch (UnsupportedConstructException ex)
        {
            vecUnsupported = ex.Message;
        }
        var (agree, basis) = HessianAgreement(f, h, methods.Where(m => m.Succeeded).ToList(), map, options.Seed, options.Dims);
        var check = options.Check ? HessianCheck.Run(f, x, h, g.Gradient, map, options.Seed, options.Dims) : null;
        var convention = Structure.Of(x) switch
        {
            VariableStructure.Symmetric => $"{x.Name} is symmetric: the directions {h.Name} are symmetric too, and the Hessian is the map on symmetric {h.Name} (its values projected onto symmetric matrices); the vec matrix is that map composed with the projection.",
            VariableStructure.Diagonal => $"{x.Name} is diagonal: the directions {h.Name} are diagonal too, and the Hessian is the map on diagonal {h.Name} (its values' diagonal); the vec matrix is that map composed with the projection.",
            _ => null,
        };
        return new HessianResult(f, x, h, g.Gradient, methods, map, vec, vecUnsupported, agree, basis, check, convention);
    }

    private static (bool Agree, string Basis) HessianAgreement(Expression f, Symbol h, IReadOnlyList<Derivation> succeeded, Expr map, int seed,
        IReadOnlyDictionary<string, int>? dims)
    {
        if (succeeded.Count < 2) return (true, "one method");
        if (succeeded.All(m => m.Gradient == map)) return (true, "symbolic");
        if (succeeded.Any(m => m.Gradient!.DescendantsAndSelf().Any(e => e is JacobianAdjoint or JacobianApply or OpaqueCall)))
            return (false, "symbolic (the opaque function cannot be evaluated)");
        var symbols = HessianCheck.SymbolsOf(f, h, [.. succeeded.Select(m => m.Gradient!)]).Append(h).ToList();
        var decided = false;
        foreach (var m in succeeded.Where(m => m.Gradient != map))
        {
            var outcome = Verdicts.Compare(symbols, map, m.Gradient!, f.Source, seed, dims);
            if (outcome.Counter is not null) return (false, "numeric");
            decided |= outcome.Equal;
            if (!outcome.Equal) return (false, "undecided (no well-conditioned random instance)");
        }
        return decided ? (true, "numeric") : (false, "undecided (no valid random instance)");
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
        var scope = f.Scope.With(f.Symbols.Where(s => !f.Scope.TryGet(s.Name, out _))
            .Select(s => new Declaration(s.Name, s.Shape, s.Props, default)))
            .With([new Declaration(h.Name, h.Shape, h.Props, default)]);
        Expression claim;
        try
        {
            claim = ParseDerivativeClaim(claimText, scope, x.Shape, VecShape(x.Shape, x.Shape));
        }
        catch (MatcalcException ex) when (ex.Diagnostics.Any(d => d.Id.StartsWith("MC1", StringComparison.Ordinal)))
        {
            var d = ex.Diagnostics[0];
            return Report(new ClaimReport(false, $"wrong: the claim is not even well-shaped — {d.Message}", truth, null, "shape check", null, [], ex.Diagnostics));
        }
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
        var symbolic = Simplifier.Simplify(claim.Expr) == truth;
        var symbols = HessianCheck.SymbolsOf(f, h, claim.Expr, truth, result.Gradient).Append(h).ToList();
        if (truth.DescendantsAndSelf().Any(e => e is JacobianAdjoint or JacobianApply) || claim.Expr.DescendantsAndSelf().Any(e => e is OpaqueCall))
            return Report(symbolic
                ? new ClaimReport(true, "right (equal to the derived Hessian symbolically; the opaque function cannot be evaluated numerically)", truth, claim.Expr, "symbolic", null, [], [])
                : new ClaimReport(false, "undecided: the claim differs symbolically and the opaque function cannot be evaluated", truth, claim.Expr,
                    "symbolic", null, ["Replace the opaque function by a concrete one to compare numerically."], []));
        var structure = Structure.Of(x);
        var compared = Structure.Project(structure, claim.Expr);
        var outcome = Verdicts.Compare(symbols, truth, compared, f.Source, options.Seed, options.Dims, symbolic, b =>
        {
            GradientCheck.RequireAgreement(f, x, result.Gradient, b);
            HessianCheck.RequireAgreement(f, x, h, result.Gradient, truth, b);
        });
        var basis = outcome.Basis;
        var part = structure switch { VariableStructure.Symmetric => "its symmetric part is", VariableStructure.Diagonal => "its diagonal is", _ => "" };
        if (outcome.Counter is null)
        {
            if (!outcome.Equal) throw CannotJudge(f, outcome);
            return Report(new ClaimReport(true,
                $"right ({(part.Length > 0 ? part + " " : "")}equal to the derived Hessian on {basis.Instances.Count} instances with random directions {h.Name} over {basis.SizeAssignments} size assignment{(basis.SizeAssignments == 1 ? "" : "s")})",
                truth, claim.Expr, symbolic ? "numeric (also equal symbolically)" : "numeric", null, [], [], basis));
        }
        var hints = new List<string>(directionHint);
        // A common slip: the transpose of the direction (ln det X: −X⁻ᵀ H X⁻ᵀ for −X⁻ᵀ Hᵀ X⁻ᵀ).
        if (usesDirection && x.Shape.Rows == x.Shape.Cols && structure == VariableStructure.None)
        {
            var transposed = HessianMethods.Replace(claim.Expr, e => e is Symbol s && s.Name == h.Name ? new Transpose(h) : null);
            if (Verdicts.Compare(symbols, truth, Structure.Project(structure, transposed), f.Source, options.Seed, options.Dims).Equal)
                hints.Add($"The claim would be right with {h.Name}ᵀ in place of {h.Name}: the map is ∇²f[{h.Name}], the derivative of the gradient along {h.Name}, which here involves the transposed direction.");
        }
        var verdict = part.Length > 0 ? $"wrong: {part} not the derived Hessian on a random instance" : "wrong: it differs from the derived Hessian on a random instance";
        return Report(new ClaimReport(false, verdict, truth, claim.Expr, "numeric", outcome.Counter, hints, [], basis));
    }
}
