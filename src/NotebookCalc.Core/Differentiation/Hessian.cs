using NotebookCalc.Semantics;
using NotebookCalc.Differentiation;
using NotebookCalc.Expressions;
using NotebookCalc.Numerics;
using NotebookCalc.Rewriting;
using NotebookCalc.Differentiation.Differentials;
using NotebookCalc.Differentiation.Gateaux;
using NotebookCalc.Differentiation.Index;

namespace NotebookCalc.Differentiation;

/// <summary>The two derivations of a Hessian from the derived gradient G(X): its differential, and its Gâteaux derivative.</summary>
public static class HessianMethods
{
    public const string Differential = "differential";
    public const string Gateaux = "gateaux";
    public const string Index = IndexMethod.Name;

    public static readonly string[] Names = [Gateaux, Index, Differential];

    /// <summary>∂²f/∂X_ij ∂X_ab = ∂(∇f)_ij/∂X_ab in index notation, applied to H and read back as matrices (IndexJacobian.cs).</summary>
    public static Derivation DeriveIndex(Expr gradient, Symbol x, Symbol h)
    {
        var (steps, map) = IndexMethod.HessianMap(gradient, x, h);
        return Finish(steps, map, x, h, Index);
    }

    private static readonly DifferentialTerm DGradient = new(FunctionTerm.Gradient);

    /// <summary>
    /// d(∇f) by the differential rules, one layer per step, then dX = H identifies the map (hessian_differential), tidied by
    /// the simplifier, and projected onto structured directions for a symmetric or diagonal variable.
    /// </summary>
    public static Derivation DeriveDifferential(Expr gradient, Symbol x, Symbol h)
    {
        var steps = new List<DerivationStep>
        {
            new(FunctionTerm.Gradient, gradient, [Rules.IdentifyGradient.Name]),
            new(DGradient, new Differential(gradient), ["definition"]),
        };
        var layers = DifferentialMethod.Layers(gradient, x);
        foreach (var (e, rules) in layers)
            steps.Add(new DerivationStep(DGradient, e, rules));
        // No layer when the gradient is the variable itself (f = ‖X‖²/2): d(∇f) = dX, not zero.
        var last = layers.Count > 0 ? layers[^1].Expr : new Differential(gradient);
        var map = Replace(last, e => e is Differential { Of: Symbol s } && s.Name == x.Name ? h : null);
        steps.Add(new DerivationStep(new HessianMapTerm(h), map, [Rules.HessianDifferential.Name]));
        return Finish(steps, map, x, h, Differential);
    }

    /// <summary>∇f(X + εH) expanded to first order, the difference quotient and its limit (gateaux_hessian).</summary>
    public static Derivation DeriveGateaux(Expr gradient, Symbol x, Symbol h)
    {
        var (expansion, directional) = GateauxMethod.Directional(gradient, x, h, FunctionTerm.Gradient);
        var steps = new List<DerivationStep>(expansion)
        {
            new(new HessianMapTerm(h), directional, [Rules.GateauxHessian.Name]),
        };
        return Finish(steps, directional, x, h, Gateaux);
    }

    private static Derivation Finish(List<DerivationStep> steps, Expr map, Symbol x, Symbol h, string method)
    {
        var simplified = Simplifier.Simplify(map, out var rules);
        // A tidying that no catalogued rewrite names is regrouping (A(BC) = (AB)C, A ⊙ B = B ⊙ A, c(dM) = (cd)M).
        if (simplified != map) steps.Add(new DerivationStep(new HessianMapTerm(h), simplified, rules.Count > 0 ? rules : [Rules.Regroup.Name]));
        var structure = Structure.Of(x);
        if (structure != VariableStructure.None)
        {
            var projected = Simplifier.Simplify(Structure.Project(structure, simplified), out var projectRules);
            var rule = Structure.RuleOf(structure)!.Name;
            if (projected == simplified) steps[^1] = steps[^1] with { Rules = [.. steps[^1].Rules, rule] };
            else steps.Add(new DerivationStep(new HessianMapTerm(h), projected, [rule, .. projectRules]));
            simplified = projected;
        }
        return new Derivation(method, steps, simplified);
    }

    /// <summary>Rebuilds e with every node that <paramref name="replace"/> maps replaced (bottom-up otherwise).</summary>
    internal static Expr Replace(Expr e, Func<Expr, Expr?> replace)
    {
        if (replace(e) is { } r) return r;
        if (e.Children.Count == 0) return e;
        var children = e.Children.Select(c => Replace(c, replace)).ToList();
        return children.Zip(e.Children).All(p => ReferenceEquals(p.First, p.Second)) ? e : e.With(children);
    }
}

/// <summary>
/// The vec (Kronecker) matrix of a map linear in the direction H: the 𝓗 with vec(L(H)) = 𝓗 vec(H), column-major vec,
/// built term by term — A H B ↦ (Bᵀ ⊗ A), Hᵀ ↦ K (commutation), C ⊙ M ↦ diag(vec C), (G : H) B ↦ vec(B) vec(G)ᵀ.
/// </summary>
public sealed class VecForm
{
    private readonly Symbol _h;

    public HashSet<string> Used { get; } = new(StringComparer.Ordinal);

    private VecForm(Symbol h) => _h = h;

    /// <summary>The vec matrix of <paramref name="map"/>; <see cref="UnsupportedConstructException"/> when a term has no Kronecker form here.</summary>
    public static (Expr Matrix, IReadOnlyList<string> Rules) Of(Expr map, Symbol h)
    {
        var v = new VecForm(h);
        var terms = Ops.Terms(map).ToList();
        var n = Dim.Product(h.Shape.Rows, h.Shape.Cols);
        var rows = Dim.Product(map.Shape.Rows, map.Shape.Cols);
        var m = ProductChains.LeftAssociated(Ops.Sum(terms.Select(v.Linear), new Shape(rows, n)));
        v.Used.Add(Rules.IdentifyVecHessian.Name);
        return (m, v.Used.OrderBy(r => r, StringComparer.Ordinal).ToList());
    }

    private bool Has(Expr e) => e.DescendantsAndSelf().Any(n => n is Symbol s && s.Name == _h.Name);

    private static Expr Eye(Dim d) => new Identity(d);

    /// <summary>vec of a column vector is the vector itself.</summary>
    private static Expr VecOf(Expr e) => e.Shape.Cols.IsOne ? e : new Vec(e);

    private static Expr KronOf(Expr a, Expr b)
    {
        if (a is Identity { Dimension.IsOne: true } || a.IsScalar && Ops.IsOne(a)) return b;
        if (b is Identity { Dimension.IsOne: true } || b.IsScalar && Ops.IsOne(b)) return a;
        if (a.IsScalar) return Ops.Scale(a, b);
        if (b.IsScalar) return Ops.Scale(b, a);
        return new Kron(a, b);
    }

    private static Expr K(Dim m, Dim n) => m.IsOne || n.IsOne ? Eye(Dim.Product(m, n)) : new Commutation(m, n);

    private Expr Linear(Expr e)
    {
        Budget.Tick();
        if (!Has(e))
            throw new UnsupportedConstructException($"the term {e} does not depend on {_h.Name}: the map is not linear");
        switch (e)
        {
            case Symbol s when s.Name == _h.Name:
                return Eye(Dim.Product(s.Shape.Rows, s.Shape.Cols));
            case Transpose { A: Symbol s } when s.Name == _h.Name:
                Used.Add(Rules.VecTranspose.Name);
                return K(s.Shape.Rows, s.Shape.Cols);
            case Add a:
                return Ops.Add(Linear(a.L), Linear(a.R));
            case Neg n:
                return Ops.Neg(Linear(n.A));
            case var _ when e.IsScalar:
            {
                // A scalar linear in H is G : H: its vec form is the row vec(G)ᵀ.
                var form = new FrobeniusForm(_h, t => t is Symbol s && s.Name == _h.Name, traceNames: false);
                var g = Simplifier.Simplify(form.Adjoint(new Number(1), e));
                Used.Add(Rules.VecScalar.Name);
                return Ops.T(VecOf(g));
            }
            case MatMul:
            {
                var factors = Factors(e).ToList();
                var at = factors.FindIndex(Has);
                if (factors.Count(Has) != 1)
                    throw new UnsupportedConstructException($"{e} is not linear in {_h.Name}");
                var inner = factors[at];
                var left = at == 0 ? Eye(inner.Shape.Rows) : Simplifier.Simplify(factors.Take(at).Aggregate(Ops.Mul));
                var right = at == factors.Count - 1 ? Eye(inner.Shape.Cols) : Transposed(factors.Skip(at + 1).Aggregate(Ops.Mul));
                Used.Add(Rules.VecProduct.Name);
                return Ops.Mul(KronOf(right, left), Linear(inner));
            }
            case Scale s when !Has(s.Factor):
                return Ops.Scale(s.Factor, Linear(s.A));
            case Scale s when !Has(s.A):
                // (G : H) B: vec(B) vec(G)ᵀ.
                return Ops.Mul(VecOf(s.A), Linear(s.Factor));
            case Divide d when !Has(d.Denominator):
                return Ops.Div(Linear(d.Numerator), d.Denominator);
            case Broadcast b:
                return Ops.Mul(VecOf(new Ones(b.Shape)), Linear(b.Value));
            case Hadamard or HadamardDiv:
            {
                // C₁ ⊙ M ⊘ C₂ ⊙ …: the constant factors of the chain become one diag(vec C).
                var (constants, inner) = HadamardChain(e);
                Used.Add(Rules.VecHadamard.Name);
                var c = Simplifier.Simplify(constants.Aggregate(Ops.Had));
                return Ops.Mul(new DiagMatrix(VecOf(c)), Linear(inner));
            }
            case Transpose t:
                Used.Add(Rules.VecTranspose.Name);
                return Ops.Mul(K(t.A.Shape.Rows, t.A.Shape.Cols), Linear(t.A));
            default:
                throw new UnsupportedConstructException($"no Kronecker form for {e.GetType().Name} ({e}) in the map");
        }
    }

    /// <summary>Bᵀ tidied: a sum transposed term by term, and B itself when that shows B is symmetric (A + Aᵀ).</summary>
    private static Expr Transposed(Expr b)
    {
        var terms = Ops.Terms(b).ToList();
        if (terms.Count < 2) return Simplifier.Simplify(Ops.T(b));
        var t = Simplifier.Simplify(Ops.Sum(terms.Select(Ops.T), b.Shape.Transposed));
        var same = Simplifier.Simplify(b);
        return t == same ? same : t;
    }

    /// <summary>The factors of a Hadamard chain that do not depend on H (a divisor as its reciprocal), and the one that does.</summary>
    private (List<Expr> Constants, Expr Inner) HadamardChain(Expr e)
    {
        var constants = new List<Expr>();
        Expr? inner = null;
        void Walk(Expr t)
        {
            switch (t)
            {
                case Hadamard h: Walk(h.L); Walk(h.R); break;
                case HadamardDiv d when !Has(d.R): Walk(d.L); constants.Add(Ops.HadDiv(new Number(1), d.R)); break;
                case var other when !Has(other): constants.Add(other); break;
                default:
                    if (inner is not null) throw new UnsupportedConstructException($"{e} is not linear in {_h.Name}");
                    inner = t;
                    break;
            }
        }
        Walk(e);
        return (constants, inner ?? throw new UnsupportedConstructException($"{e} does not depend on {_h.Name}"));
    }

    private static IEnumerable<Expr> Factors(Expr e)
    {
        if (e is MatMul m)
        {
            foreach (var f in Factors(m.L)) yield return f;
            foreach (var f in Factors(m.R)) yield return f;
        }
        else yield return e;
    }
}
