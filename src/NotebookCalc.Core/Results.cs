using MathNet.Numerics.LinearAlgebra;
using NotebookCalc.Semantics;
using NotebookCalc.Text;

using NotebookCalc.Numerics;
using NotebookCalc.Differentiation;
using NotebookCalc.Expressions;
using NotebookCalc.Rewriting;

namespace NotebookCalc;

// What the entry point (MatCalc) returns: derivatives with their derivations, checks, verdicts and counterexamples —
// plain data, which the printers write out and the numerics fill in.

/// <summary>Options shared by gradient and check.</summary>
public sealed record GradientOptions
{
    /// <summary>"all" or one method name.</summary>
    public string Method { get; init; } = "all";
    public bool Check { get; init; } = true;
    public int Seed { get; init; } = 1;
    public IReadOnlyDictionary<string, int>? Dims { get; init; }
}

/// <summary>A gradient with its derivations, agreement and numerical check.</summary>
public sealed record GradientResult(
    Expression Function,
    Symbol Variable,
    IReadOnlyList<Derivation> Methods,
    Expr Gradient,
    bool Agree,
    string AgreementBasis,
    CheckReport? Check,
    string? Convention = null);

/// <summary>The verdict on a claimed gradient.</summary>
public sealed record ClaimReport(
    bool Right,
    string Verdict,
    Expr Gradient,
    Expr? Claim,
    string How,
    Counterexample? Counterexample,
    IReadOnlyList<string> Hints,
    IReadOnlyList<Diagnostic> ClaimDiagnostics,
    VerdictBasis? Basis = null)
{
    /// <summary>"gradient", or "hessian": <see cref="Gradient"/> is then the derived map ∇²f[H] and the claim a map of H.</summary>
    public string Derivative { get; init; } = "gradient";

    /// <summary>The direction a Hessian claim is written in (H unless the function has a symbol H).</summary>
    public string? Direction { get; init; }

    /// <summary>A Hessian or Jacobian claim written as its vec matrix: <see cref="Gradient"/> is then the derived vec matrix.</summary>
    public bool VecMatrix { get; init; }

    /// <summary>What the claim is compared with, as text: ∂f/∂X, ∇²f[H], or the vec matrix.</summary>
    public string Label(string variable) => (Derivative, VecMatrix) switch
    {
        ("hessian", true) => $"d2f/dvec({variable}) dvec({variable})'",
        ("jacobian", true) => $"dvec(F)/dvec({variable})'",
        ("hessian", _) => $"∇²f[{Direction ?? "H"}]",
        ("jacobian", _) => $"DF({variable})[{Direction ?? "H"}]",
        _ => $"∂f/∂{variable}",
    };
}

/// <summary>An instance on which a claim and the true gradient differ, with the entries that differ most.</summary>
public sealed record Counterexample(int Seed, IReadOnlyDictionary<string, int> Sizes, IReadOnlyDictionary<string, Matrix<double>> Values,
    Matrix<double> Expected, Matrix<double> Claimed, IReadOnlyList<(int Row, int Col, double Expected, double Claimed)> Differences)
{
    /// <summary>Every entry that differs beyond the tolerance (0-based), in row-major order.</summary>
    public IReadOnlyList<(int Row, int Col)> Differing { get; init; } = [.. Differences.Select(d => (d.Row, d.Col)).Order()];

    /// <summary>‖expected − claimed‖_F / max(‖expected‖_F, ‖claimed‖_F), the relative error the verdict compared.</summary>
    public double RelativeError
    {
        get
        {
            var scale = Math.Max(Expected.FrobeniusNorm(), Claimed.FrobeniusNorm());
            return scale == 0 ? 0 : (Expected - Claimed).FrobeniusNorm() / scale;
        }
    }
}

/// <summary>
/// A Hessian with its derivations: the linear map H ↦ ∇²f[H] (each method's <see cref="Derivation.Gradient"/> holds the
/// map it arrives at), its vec matrix in Kronecker form when the map is a sum of terms A H B, A Hᵀ B, C ⊙ (…) and
/// (G : H) B, the agreement of the methods and the numerical check.
/// </summary>
public sealed record HessianResult(
    Expression Function,
    Symbol Variable,
    Symbol Direction,
    Expr Gradient,
    IReadOnlyList<Derivation> Methods,
    Expr Map,
    Expr? VecForm,
    string? VecUnsupported,
    bool Agree,
    string AgreementBasis,
    HessianCheckReport? Check,
    string? Convention = null)
{
    /// <summary>The layout of the vec matrix, stated with every result.</summary>
    public const string Layout =
        "vec is column-major (vec X stacks the columns of X); the vec Hessian ∂²f/∂vec X ∂(vec X)ᵀ is (entries of vec X) × (entries of vec X) in numerator layout: vec(∇²f[H]) = (∂²f/∂vec X ∂(vec X)ᵀ) vec H.";
}

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

/// <summary>The outcome of a numerical gradient check on one random instance.</summary>
public sealed record CheckReport(
    bool Passed,
    double RelativeError,
    double Tolerance,
    int Seed,
    IReadOnlyDictionary<string, int> Sizes,
    int Directions,
    bool Entrywise,
    string Summary)
{
    /// <summary>Why the tolerance is what it is (shown with the result).</summary>
    public const string ToleranceReason =
        "central differences with step h = 1e-5·max(1, ‖X‖_F) (then h/10, h/100 and Richardson extrapolation for strongly curved functions) along unit directions: truncation error O(h²) ≈ 1e-10 and rounding error ≈ 2e-16·|f|/h ≈ 1e-11 relative, so 1e-6 leaves headroom while a wrong gradient differs by O(1)";

    public bool Skipped { get; init; }

    /// <summary>The difference quotients did not settle at any step (f too strongly curved at this instance, e.g. a power
    /// too high): the instance can neither pass nor fail a gradient.</summary>
    public bool Unresolved { get; init; }
}

/// <summary>The outcome of the numerical check of a Hessian on one random instance.</summary>
public sealed record HessianCheckReport(
    bool Passed,
    double RelativeError,
    double Tolerance,
    double SymmetryError,
    double QuadraticError,
    int Seed,
    IReadOnlyDictionary<string, int> Sizes,
    int Directions,
    bool Columns,
    string Summary)
{
    public const string ToleranceReason =
        "∇²f[V] against central differences of the derived gradient, (∇f(X + tV) − ∇f(X − tV))/2t with t = 1e-5·max(1, ‖X‖_F) (then t/10, t/100), along unit directions and, for small X, along every basis direction (column by column of the vec Hessian): tolerance 1e-6 relative. Symmetry ⟨V₁, ∇²f[V₂]⟩ = ⟨V₂, ∇²f[V₁]⟩ to 1e-8 relative. The quadratic form ⟨V, ∇²f[V]⟩ against the second difference of f itself, (f(X + sV) − 2f(X) + f(X − sV))/s², to 1e-4 relative (second differences lose more digits).";

    public bool Skipped { get; init; }
}

/// <summary>One instance a verdict compared on: its seed, structure variant, sizes, the relative error and the tolerance.</summary>
public sealed record VerdictInstance(int Seed, int Variant, IReadOnlyDictionary<string, int> Sizes, double RelativeError, double Tolerance)
{
    /// <summary>Well-conditioned enough to decide "right" (ill-conditioned instances can only add evidence).</summary>
    public bool Decisive => Tolerance <= Verdicts.DecisiveTolerance;
}

/// <summary>What a verdict rests on: the instances compared, how many size assignments they span, what was skipped.</summary>
public sealed record VerdictBasis(IReadOnlyList<VerdictInstance> Instances, int SizeAssignments, int Skipped, bool SymbolicallyEqual, int AssignmentsAvailable = 1)
{
    public double WorstRelativeError => Instances.Count == 0 ? double.NaN : Instances.Max(i => i.RelativeError);

    public double Tolerance => Instances.Count == 0 ? double.NaN : Instances.Max(i => i.Tolerance);

    public int Decisive => Instances.Count(i => i.Decisive);

    public string Summary =>
            $"{Instances.Count} instance{(Instances.Count == 1 ? "" : "s")} over {SizeAssignments} size assignment{(SizeAssignments == 1 ? "" : "s")}" +
            $" ({string.Join("; ", Instances.Select(i => i.Sizes.Count == 0 ? $"seed {i.Seed}" : $"seed {i.Seed}: {string.Join(", ", i.Sizes.Select(p => $"{p.Key}={p.Value}"))}").Distinct().Take(6))})" +
            $", worst relative error {Verdicts.Format(WorstRelativeError)}, tolerance {Verdicts.Format(Tolerance)}" +
            (Skipped > 0 ? $", {Skipped} ill-conditioned draw{(Skipped == 1 ? "" : "s")} skipped" : "") +
            (SymbolicallyEqual ? "; also equal symbolically" : "");
}
