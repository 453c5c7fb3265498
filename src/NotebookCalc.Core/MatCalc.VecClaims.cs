using System.Globalization;
using MathNet.Numerics.LinearAlgebra;
using NotebookCalc.Numerics;
using NotebookCalc.Semantics;
using NotebookCalc.Text;

using NotebookCalc.Differentiation;
using NotebookCalc.Differentiation.Index;
using NotebookCalc.Expressions;
using NotebookCalc.Rewriting;

namespace NotebookCalc;

/// <summary>
/// Claims of a Hessian or a Jacobian written as its vec matrix (`kron(I_m, A + A')`, `kron(B', A)`, `K_(n,m)`) instead of
/// the map applied to the direction H: the claim does not mention H and has the shape of the vec matrix — (entries of
/// vec X) × (entries of vec X) for a Hessian, (entries of vec F) × (entries of vec X) for a Jacobian, numerator layout,
/// column-major vec. It is judged against the derived vec matrix numerically under the verdict rules of gradient claims.
/// </summary>
public static partial class MatCalc
{
    /// <summary>The shape of a vec matrix ∂vec F/∂(vec X)ᵀ: (entries of F) × (entries of X).</summary>
    internal static Shape VecShape(Shape of, Shape x) => new(Dim.Product(of.Rows, of.Cols), Dim.Product(x.Rows, x.Cols));

    /// <summary>
    /// Reads a Hessian or Jacobian claim: on its own, else knowing it must have the map's shape, else the vec matrix's
    /// (`kron(I, A + A')` needs the vec shape to size its identity). The first reading's error is kept when none works.
    /// </summary>
    internal static Expression? ReadDerivativeClaim(string text, Scope scope, Shape mapShape, Shape vecShape,
        Func<IReadOnlyList<Diagnostic>, ClaimReport> illShaped, out ClaimReport? report)
    {
        report = null;
        try { return ParseDerivativeClaim(text, scope, mapShape, vecShape); }
        catch (MatcalcException ex) when (ex.Diagnostics.Any(d => d.Id.StartsWith("MC1", StringComparison.Ordinal)))
        {
            report = illShaped(ex.Diagnostics);
            return null;
        }
    }

    internal static Expression ParseDerivativeClaim(string text, Scope scope, Shape mapShape, Shape vecShape)
    {
        try { return ParseClaim(text, scope, mapShape); }
        catch (MatcalcException first) when (first.Diagnostics.Any(d => d.Id.StartsWith("MC1", StringComparison.Ordinal)))
        {
            try { return MatCalc.Parse(text, scope, vecShape); }
            catch (MatcalcException) { throw first; }
        }
    }

    /// <summary>A claim that does not mention the direction and has the vec matrix's shape is a vec-matrix claim.</summary>
    internal static bool IsVecClaim(Expression claim, Symbol h, Shape vecShape) =>
        !claim.Symbols.Any(s => s.Name == h.Name) && claim.Shape == vecShape;

    /// <summary>
    /// Why a claim without the direction has the wrong shape: it is neither the map (written with H, the shape of the map's
    /// values) nor the vec matrix; for a Jacobian whose claim has the transposed vec shape, the layout confusion.
    /// </summary>
    internal static (string Verdict, List<string> Hints) VecShapeMessage(string what, Shape claimShape, Shape mapShape, Shape vecShape, Symbol x, Symbol h)
    {
        var vecLabel = what == "hessian" ? $"d2f/dvec({x.Name}) dvec({x.Name})'" : $"dvec(F)/dvec({x.Name})'";
        var mapLabel = what == "hessian" ? $"∇²f[{h.Name}]" : $"DF({x.Name})[{h.Name}]";
        var entries = what == "hessian" ? $"(entries of vec {x.Name}) × (entries of vec {x.Name})" : $"(entries of vec F) × (entries of vec {x.Name})";
        var verdict = $"wrong: the claim is {claimShape}, but a claim without {h.Name} must be the vec matrix {vecLabel}, which is {vecShape}: {entries}";
        var hints = new List<string>
        {
            $"The vec matrix is in numerator layout with column-major vec (vec {x.Name} stacks the columns of {x.Name}): vec({mapLabel}) = ({vecLabel}) vec({h.Name}), so it has one row per entry of {(what == "hessian" ? "vec " + x.Name : "vec F")} and one column per entry of vec {x.Name}. " +
            $"Or write the map applied to the direction: {mapLabel}, of shape {mapShape}, with {h.Name}.",
        };
        if (what == "jacobian" && claimShape == vecShape.Transposed && claimShape != vecShape)
            hints.Insert(0, $"The claim has the transposed shape {vecShape.Transposed}: that is the denominator layout (one row per entry of vec {x.Name}, one column per entry of vec F). This tool writes Jacobians in numerator layout, ∂vec F/∂(vec {x.Name})ᵀ; transpose the claim.");
        return (verdict, hints);
    }

    /// <summary>
    /// For a Jacobian claim of the transposed vec shape: whether its transpose is the vec Jacobian (judged as a vec claim),
    /// as a hint that names the denominator layout; null when it is not (or cannot be judged).
    /// </summary>
    internal static string? TransposedVecClaim(Expression f, Symbol x, Symbol h, Expr map, Expr? vec, Expression claim, GradientOptions options)
    {
        if (claim.Shape != VecShape(f.Shape, x.Shape).Transposed || claim.Symbols.Any(s => s.Name == h.Name)) return null;
        try
        {
            var t = JudgeVecClaim("jacobian", f, x, h, map, vec, claim.WithExpr(Ops.T(claim.Expr)), options,
                b => HessianCheck.RequireAgreement(f, x, h, f.Expr, map, b, "Jacobian"), []);
            return t.Right
                ? $"The transpose of the claim is the vec Jacobian (equal on {t.Basis?.Instances.Count ?? 0} instances): the claim is in denominator layout, one row per entry of vec {x.Name} and one column per entry of vec F. This tool writes ∂vec F/∂(vec {x.Name})ᵀ in numerator layout; transpose the claim."
                : null;
        }
        catch (MatcalcException) { return null; }
    }

    /// <summary>The projection onto structured directions, as a vec matrix (sym: (I + K)/2, diagonal: diag(vec I)); null when X is unstructured.</summary>
    private static Expr? VecProjection(Symbol x)
    {
        var n = Dim.Product(x.Shape.Rows, x.Shape.Cols);
        return Structure.Of(x) switch
        {
            VariableStructure.Symmetric => new Divide(new Add(new Identity(n), new Commutation(x.Shape.Rows, x.Shape.Cols)), new Number(2)),
            VariableStructure.Diagonal => new DiagMatrix(new Vec(new Identity(x.Shape.Rows))),
            _ => null,
        };
    }

    /// <summary>
    /// The vec matrix of the map at an instance against its Kronecker form there: a guard (MC3015) that the derived vec
    /// matrix a claim is compared with is the derivative the checks verified.
    /// </summary>
    private static void RequireVecAgreement(Expression f, Symbol x, Symbol h, Expr map, Expr vec, Bindings b, bool projectOutput, string what)
    {
        var numeric = HessianCheck.VecMatrix(map, x, h, b, f.Source, projectOutput);
        var symbolic = Evaluator.Evaluate(vec, b, f.Source);
        if (numeric.RowCount != symbolic.RowCount || numeric.ColumnCount != symbolic.ColumnCount)
            throw VecDisagrees(f, what, double.NaN);
        var scale = Math.Max(1e-300, Math.Max(numeric.FrobeniusNorm(), symbolic.FrobeniusNorm()));
        var error = (numeric - symbolic).FrobeniusNorm() / scale;
        if (double.IsFinite(error) && error > 1e-6) throw VecDisagrees(f, what, error);
    }

    private static MatcalcException VecDisagrees(Expression f, string what, double error) =>
        new(f.Source, DiagnosticCatalog.HessianFailsCheck.At(new TextSpan(0, f.Source.Length),
            $"The derived vec {what} disagrees with the vec matrix of its own map on an instance (relative error {error.ToString("0.0e+0", CultureInfo.InvariantCulture)}), so no verdict is given.",
            "This is a bug in NotebookCalc: please report the function and the declarations."));

    /// <summary>
    /// Judges a vec-matrix claim. With a Kronecker form of the derivative, claim and form are compared as matrices (for a
    /// structured X composed with the projection onto structured directions — on both sides for a Hessian, whose values are
    /// projected too); without one, the claim C is compared through its action on random directions, unvec(C vec H),
    /// against the map.
    /// </summary>
    internal static ClaimReport JudgeVecClaim(string what, Expression f, Symbol x, Symbol h, Expr map, Expr? vec,
        Expression claim, GradientOptions options, Action<Bindings> validate, IEnumerable<Symbol> extraSymbols)
    {
        var hessian = what == "hessian";
        var noun = hessian ? "vec Hessian" : "vec Jacobian";
        var vecLabel = hessian ? $"d2f/dvec({x.Name}) dvec({x.Name})'" : $"dvec(F)/dvec({x.Name})'";
        var projection = VecProjection(x);
        var part = projection is null ? "" : hessian ? "its part on structured directions is" : "its action on structured directions is";
        Expr Composed(Expr m) => projection is null ? m : hessian ? Ops.Mul(Ops.Mul(projection, m), projection) : Ops.Mul(m, projection);
        ClaimReport Mark(ClaimReport r) => r with { Derivative = what, Direction = h.Name, VecMatrix = vec is not null };
        var symbolic = vec is not null && Simplifier.Simplify(claim.Expr) == vec;
        var symbols = HessianCheck.SymbolsOf(f, h, [claim.Expr, map, .. vec is null ? Array.Empty<Expr>() : [vec]]).Concat(extraSymbols)
            .DistinctBy(s => s.Name).Where(s => s.Name != h.Name).Append(h).ToList();
        if (map.DescendantsAndSelf().Any(e => e is JacobianAdjoint or JacobianApply) || claim.Expr.DescendantsAndSelf().Any(e => e is OpaqueCall))
            return Mark(symbolic
                ? new ClaimReport(true, $"right (equal to the derived {noun} symbolically; the opaque function cannot be evaluated numerically)", vec!, claim.Expr, "symbolic", null, [], [])
                : new ClaimReport(false, "undecided: the claim differs symbolically and the opaque function cannot be evaluated", vec ?? map, claim.Expr,
                    "symbolic", null, ["Replace the opaque function by a concrete one to compare numerically."], []));
        Expr truth, compared;
        var hints = new List<string>();
        if (vec is not null)
        {
            (truth, compared) = (Composed(vec), Composed(claim.Expr));
            var inner = validate;
            validate = b => { inner(b); RequireVecAgreement(f, x, h, map, vec, b, hessian, hessian ? "Hessian" : "Jacobian"); };
        }
        else
        {
            // unvec(v) for an r×c result: kron(vec(I_c)ᵀ, I_r) kron(I_c, v).
            var (r, c) = (map.Shape.Rows, map.Shape.Cols);
            var vecH = h.Shape.Cols.IsOne ? (Expr)h : new Vec(h);
            var applied = Ops.Mul(claim.Expr, vecH);
            var asMap = c.IsOne ? applied : Ops.Mul(new Kron(Ops.T(new Vec(new Identity(c))), new Identity(r)), new Kron(new Identity(c), applied));
            (truth, compared) = (map, hessian ? Structure.Project(Structure.Of(x), asMap) : asMap);
            // The reason there is none is not repeated: it quotes the derived map, which a graded answer must not see.
            hints.Add($"The derived {(hessian ? "Hessian" : "Jacobian")} has no Kronecker form here; the claim C was judged by its action on random directions, unvec(C vec({h.Name})), against the map.");
        }
        var outcome = Verdicts.Compare(symbols, truth, compared, f.Source, options.Seed, options.Dims, symbolic, validate);
        var basis = outcome.Basis;
        var shown = vec ?? map;
        if (outcome.Counter is null)
        {
            if (!outcome.Equal) throw CannotJudge(f, outcome);
            return Mark(new ClaimReport(true,
                $"right ({(part.Length > 0 ? part + " " : "")}equal to the derived {noun} {vecLabel} on {basis.Instances.Count} instances over {basis.SizeAssignments} size assignment{(basis.SizeAssignments == 1 ? "" : "s")})",
                shown, claim.Expr, symbolic ? "numeric (also equal symbolically)" : "numeric", null, hints, [], basis));
        }
        var counter = vec is null ? outcome.Counter : outcome.Counter with
        {
            Values = outcome.Counter.Values.Where(p => p.Key != h.Name).ToDictionary(p => p.Key, p => p.Value),
        };
        // Denominator layout: the transpose of the claim is the Jacobian (a square vec matrix, so the shapes could not tell).
        if (!hessian && vec is not null && claim.Shape.IsSquare
            && Verdicts.Compare(symbols, truth, Composed(Ops.T(claim.Expr)), f.Source, options.Seed, options.Dims).Equal)
            hints.Add($"The transpose of the claim is the vec Jacobian: the claim is in denominator layout (one row per entry of vec {x.Name}). " +
                      $"This tool writes Jacobians in numerator layout, ∂vec F/∂(vec {x.Name})ᵀ, one row per entry of vec F, one column per entry of vec {x.Name}.");
        if (!hessian && vec is not null && x.Shape.Rows == x.Shape.Cols && !x.Shape.IsScalar && Structure.Of(x) == VariableStructure.None
            && Verdicts.Compare(symbols, truth, Ops.Mul(claim.Expr, new Commutation(x.Shape.Rows, x.Shape.Cols)), f.Source, options.Seed, options.Dims).Equal)
            hints.Add($"The claim times the commutation matrix K_({x.Shape.Rows},{x.Shape.Cols}) is the vec Jacobian: the claim acts on vec({x.Name}ᵀ) — row-major vec — where vec is column-major here.");
        var verdict = part.Length > 0 ? $"wrong: {part} not the derived {noun} on a random instance" : $"wrong: it differs from the derived {noun} on a random instance";
        return Mark(new ClaimReport(false, verdict, shown, claim.Expr, "numeric", counter, hints, [], basis));
    }
}
