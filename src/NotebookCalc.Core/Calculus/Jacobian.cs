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

    public static readonly string[] Names = [Gateaux, Differential];

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
