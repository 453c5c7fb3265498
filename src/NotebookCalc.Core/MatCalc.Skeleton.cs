using NotebookCalc.Numerics;
using NotebookCalc.Rendering;
using NotebookCalc.Semantics;
using NotebookCalc.Text;

using NotebookCalc.Calculus;

namespace NotebookCalc;

/// <summary>
/// The skeleton that gradients, Hessians and Jacobians share: check the method name, run each method under its budget,
/// report when none succeeds, compare the methods' results, append the vec form, and judge a claim numerically. Each
/// derivative supplies only what differs (its methods, its words, its hints).
/// </summary>
public static partial class MatCalc
{
    /// <summary>--method names one of <paramref name="available"/> or is "all" (MC2004 otherwise).</summary>
    private static IReadOnlyList<string> MethodsToRun(GradientOptions options, IReadOnlyList<string> available, string notAvailable)
    {
        if (options.Method == "all") return available;
        if (!available.Contains(options.Method))
            throw new MatcalcException(options.Method, Diagnostic.Error("MC2004", new TextSpan(0, options.Method.Length),
                $"The {options.Method} method is not available {notAvailable}.", $"Use --method {string.Join(", ", available)} or all."));
        return [options.Method];
    }

    /// <summary>
    /// One method under its budget: its derivation with repeated lines left out, or the reason it declined (over budget,
    /// or a construct it does not handle). <paramref name="vet"/> may turn a result into a refusal (a bug caught).
    /// </summary>
    private static Derivation RunMethod(string method, Func<Derivation> derive, Func<Derivation, Derivation?>? vet = null)
    {
        try
        {
            using var clock = Budget.Start();
            var d = derive();
            CheckOutput(d);
            return vet?.Invoke(d) ?? d with { Steps = WithoutRepeats(d.Steps) };
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

    /// <summary>What a derivative says when no method succeeds.</summary>
    /// <param name="Budget">"The derivation", "The Hessian derivation", …: what exceeds its budget (MC2005).</param>
    /// <param name="BudgetWhenAny">MC2005 when any method ran out of budget (else only when all did).</param>
    /// <param name="NoMethod">The MC2003 message up to the methods' reasons.</param>
    /// <param name="NoMethodHint">The MC2003 hint.</param>
    private sealed record Failure(string Budget, bool BudgetWhenAny, string NoMethod, string NoMethodHint);

    /// <summary>Runs the methods; the ones that succeeded (never none: MC2005 or MC2003 then).</summary>
    private static (List<Derivation> Methods, List<Derivation> Succeeded) RunAll(Expression f, IEnumerable<string> names, Func<string, Derivation> run, Failure failure)
    {
        var methods = names.Select(run).ToList();
        var succeeded = methods.Where(m => m.Succeeded).ToList();
        if (succeeded.Count > 0) return (methods, succeeded);
        var reasons = string.Join("; ", methods.Select(m => $"{m.Method}: {m.Unsupported}"));
        if (failure.BudgetWhenAny ? methods.Any(m => m.OverBudget) : methods.All(m => m.OverBudget))
            throw new MatcalcException(f.Source, Diagnostic.Error("MC2005", new TextSpan(0, f.Source.Length),
                $"{failure.Budget} exceeds its budget: {reasons}.", Budget.Hint));
        throw new MatcalcException(f.Source, Diagnostic.Error("MC2003", new TextSpan(0, f.Source.Length),
            $"{failure.NoMethod}: {reasons}.", failure.NoMethodHint));
    }

    /// <summary>
    /// The methods agree when their results are the same tree; otherwise they are compared numerically as claims are, on
    /// varied instances (the basis says which). Results with an opaque function can only be compared symbolically.
    /// </summary>
    private static (bool Agree, string Basis) Agreement(IReadOnlyList<Symbol> symbols, IReadOnlyList<Derivation> succeeded, Expr result,
        Func<Expr, bool> opaque, string source, int seed, IReadOnlyDictionary<string, int>? dims)
    {
        if (succeeded.Count < 2) return (true, "one method");
        if (succeeded.All(m => m.Gradient == result)) return (true, "symbolic");
        if (succeeded.Any(m => m.Gradient!.DescendantsAndSelf().Any(opaque)))
            return (false, "symbolic (the opaque function cannot be evaluated)");
        var decided = false;
        foreach (var m in succeeded.Where(m => m.Gradient != result))
        {
            var outcome = Verdicts.Compare(symbols, result, m.Gradient!, source, seed, dims);
            if (outcome.Counter is not null) return (false, "numeric");
            decided |= outcome.Equal;
            if (!outcome.Equal) return (false, "undecided (no well-conditioned random instance)");
        }
        return decided ? (true, "numeric") : (false, "undecided (no valid random instance)");
    }

    /// <summary>
    /// The vec (Kronecker) matrix of a linear map H ↦ map, composed with the projection onto structured directions for a
    /// structured variable, appended as two steps to <paramref name="primary"/>: vec(map) = M vec H, then M itself.
    /// </summary>
    private static (List<Derivation> Methods, Expr? Vec, string? Unsupported) WithVecForm(List<Derivation> methods, Derivation primary, Symbol x, Symbol h,
        StepTerm vecOfMap, StepTerm matrix, string identify, string what)
    {
        try
        {
            using var clock = Budget.Start();
            var (m, found) = VecForm.Of(primary.Gradient!, h);
            var rules = found.Where(r => r != Rules.IdentifyVecHessian.Name).ToList();
            // A structured variable moves in structured directions only: sym: (I + K)/2, diagonal: diag(vec I), so that
            // the vec matrix is defined on every vec H.
            var n = Dim.Product(x.Shape.Rows, x.Shape.Cols);
            m = Structure.Of(x) switch
            {
                VariableStructure.Symmetric => Ops.Mul(m, new Divide(new Add(new Identity(n), new Commutation(x.Shape.Rows, x.Shape.Cols)), new Number(2))),
                VariableStructure.Diagonal => Ops.Mul(m, new DiagMatrix(new Vec(new Identity(x.Shape.Rows)))),
                _ => m,
            };
            if (Structure.RuleOf(Structure.Of(x)) is { } structureRule) rules.Add(structureRule.Name);
            var vec = Budget.CheckSize(m, what);
            var vecH = h.Shape.Cols.IsOne ? (Expr)h : new Vec(h);
            var withVec = primary with
            {
                Steps = [.. primary.Steps,
                    new DerivationStep(vecOfMap, Ops.Mul(vec, vecH), rules.Count > 0 ? rules : [Rules.VecProduct.Name]),
                    new DerivationStep(matrix, vec, [identify])],
            };
            return (methods.Select(d => ReferenceEquals(d, primary) ? withVec : d).ToList(), vec, null);
        }
        catch (UnsupportedConstructException ex)
        {
            return (methods, null, ex.Message);
        }
    }

    /// <summary>A claim read in the scope of f (and the direction), or the report that it is not even well-shaped.</summary>
    private static Expression? ReadClaim(string text, Scope scope, Shape shape, Func<IReadOnlyList<Diagnostic>, ClaimReport> illShaped, out ClaimReport? report)
    {
        report = null;
        try
        {
            return ParseClaim(text, scope, shape);
        }
        catch (MatcalcException ex) when (ex.Diagnostics.Any(d => d.Id.StartsWith("MC1", StringComparison.Ordinal)))
        {
            report = illShaped(ex.Diagnostics);
            return null;
        }
    }

    /// <summary>The scope a claim is read in: f's declarations, the shapes inferred in f, and the direction if any.</summary>
    private static Scope ClaimScope(Expression f, Symbol? direction)
    {
        var scope = f.Scope.With(f.Symbols.Where(s => !f.Scope.TryGet(s.Name, out _)).Select(s => new Declaration(s.Name, s.Shape, s.Props, default)));
        return direction is null ? scope : scope.With([new Declaration(direction.Name, direction.Shape, direction.Props, default)]);
    }

    /// <summary>What a claim is judged against and how its verdict is worded.</summary>
    /// <param name="Noun">"gradient", "Hessian", "Jacobian" (in "the derived …").</param>
    /// <param name="Opaque">A node of the truth that cannot be evaluated numerically.</param>
    /// <param name="Directions">" with random directions H" for a map, "" for a gradient.</param>
    /// <param name="SymbolicFallback">With no decisive instance, a claim equal to the truth after simplification is right.</param>
    /// <param name="Structured">A structured variable's claim is compared along structured directions only.</param>
    private sealed record ClaimTarget(string Noun, Func<Expr, bool> Opaque, string Directions, bool SymbolicFallback, bool Structured = true);

    /// <summary>
    /// The verdict on a well-shaped claim: symbolic equality is evidence, never the verdict, which is numeric on instances
    /// that vary (<see cref="Verdicts.Compare"/>); opaque functions can only be compared symbolically.
    /// </summary>
    private static ClaimReport Judge(ClaimTarget target, Expression f, Symbol x, Expr truth, Expression claim, IReadOnlyList<Symbol> symbols,
        GradientOptions options, Action<Bindings> validate, Func<Expr, VariableStructure, IReadOnlyList<string>> wrongHints)
    {
        var symbolic = Simplifier.Simplify(claim.Expr) == truth;
        if (truth.DescendantsAndSelf().Any(target.Opaque) || claim.Expr.DescendantsAndSelf().Any(e => e is OpaqueCall))
            return symbolic
                ? new ClaimReport(true, $"right (equal to the derived {target.Noun} symbolically; the opaque function cannot be evaluated numerically)", truth, claim.Expr, "symbolic", null, [], [])
                : new ClaimReport(false, "undecided: the claim differs symbolically and the opaque function cannot be evaluated", truth, claim.Expr,
                    "symbolic", null, ["Replace the opaque function by a concrete one to compare numerically."], []);
        // For a structured variable only the part of the claim along structured directions is determined.
        var structure = target.Structured ? Structure.Of(x) : VariableStructure.None;
        var compared = Structure.Project(structure, claim.Expr);
        var outcome = Verdicts.Compare(symbols, truth, compared, f.Source, options.Seed, options.Dims, symbolic, validate);
        var basis = outcome.Basis;
        var part = structure switch { VariableStructure.Symmetric => "its symmetric part is", VariableStructure.Diagonal => "its diagonal is", _ => "" };
        if (outcome.Counter is null)
        {
            // No instance could decide (all singular, or too ill-conditioned): a claim equal to the derived result after
            // simplification is still right — that needs no instance (LANGUAGE.md §5); any other claim cannot be judged.
            if (!outcome.Equal && symbolic && target.SymbolicFallback)
                return new ClaimReport(true, $"right (equal to the derived {target.Noun} symbolically; {(basis.Instances.Count == 0 ? "no random instance could be evaluated" : "the random instances were too ill-conditioned")} to compare them numerically)",
                    truth, claim.Expr, "symbolic", null, [], [], basis);
            if (!outcome.Equal) throw CannotJudge(f, outcome);
            return new ClaimReport(true, $"right ({(part.Length > 0 ? part + " " : "")}equal to the derived {target.Noun} on {basis.Instances.Count} instances{target.Directions} over {basis.SizeAssignments} size assignment{(basis.SizeAssignments == 1 ? "" : "s")})",
                truth, claim.Expr, symbolic ? "numeric (also equal symbolically)" : "numeric", null, [], [], basis);
        }
        var verdict = part.Length > 0 ? $"wrong: {part} not the derived {target.Noun} on a random instance" : $"wrong: it differs from the derived {target.Noun} on a random instance";
        return new ClaimReport(false, verdict, truth, claim.Expr, "numeric", outcome.Counter, wrongHints(claim.Expr, structure), [], basis);
    }

    /// <summary>Throws when a derivation's printed steps exceed <see cref="Budget.MaxOutputChars"/>.</summary>
    private static void CheckOutput(Derivation d)
    {
        long chars = 0;
        foreach (var s in d.Steps)
        {
            if (s.Expression is { } e) Budget.CheckSize(e, "a step");
            chars += s.Text.Length;
            if (chars > Budget.MaxOutputChars)
                throw new BudgetExceededException($"the derivation would print more than its budget of {Budget.MaxOutputChars:N0} characters");
        }
    }
}
