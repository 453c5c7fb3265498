using NotebookCalc.Semantics;
using NotebookCalc.Differentiation;
using NotebookCalc.Expressions;
using NotebookCalc.Numerics;
using NotebookCalc.Rewriting;

namespace NotebookCalc.Differentiation.Index;

/// <summary>
/// Index (component) notation: write f as sums over indices of products of entries, differentiate entry by entry with
/// ∂X_ij/∂X_ab = δ_ia δ_jb (and the component rules for inverses, determinants, entrywise functions, norms, softmax),
/// contract the Kronecker deltas, and translate the component result back to matrix notation by walking the index
/// graph: a chain of shared indices is a product, a reversed edge a transpose, factors sharing both indices a
/// Hadamard product, a closed loop a trace, a path between two vector ends a scalar product, δ the identity.
/// </summary>
public sealed partial class IndexMethod
{
    public const string Name = "index";

    /// <summary>This method behind the common interface.</summary>
    public static IDerivationMethod Method { get; } = new AsMethod();

    private sealed class AsMethod : IDerivationMethod
    {
        public string Name => IndexMethod.Name;

        public Derivation Derive(Expr f, Symbol x) => IndexMethod.Derive(f, x);
    }

    /// <summary>An entry A_{row,col}; a null index is a dimension of size 1 (vectors and scalars).</summary>
    private sealed record Factor(Expr Atom, string? Row, string? Col)
    {
        public bool IsDelta => Atom is Identity;

        public Factor Rename(string from, string to) => new(Atom, Row == from ? to : Row, Col == from ? to : Col);
    }

    /// <summary>coef · Π scalars · Π factors, summed over <see cref="Summed"/>.</summary>
    private sealed record Term(double Coef, IReadOnlyList<Expr> Scalars, IReadOnlyList<Factor> Factors, IReadOnlyList<string> Summed)
    {
        public static readonly Term One = new(1, [], [], []);

        public Term Times(Term o) => new(Coef * o.Coef, [.. Scalars, .. o.Scalars], [.. Factors, .. o.Factors], [.. Summed, .. o.Summed]);

        public Term Scaled(double k) => this with { Coef = Coef * k };
    }

    /// <summary>
    /// (Aᵗ)_rc (<see cref="Left"/>) or (A^{k−1−t})_rc inside the summation Σ_{t=0}^{k−1} that the derivative of a matrix
    /// power Aᵏ is; the two parts of one summation share <see cref="Index"/>, and are read back as one <see cref="PowerSum"/>.
    /// </summary>
    private sealed record PowerPart(Expr A, int K, string Index, bool Left) : UnaryExpr(A)
    {
        public override Shape Shape { get; } = A.Shape;
        public override Expr WithArg(Expr arg) => new PowerPart(arg, K, Index, Left);
    }

    private readonly Symbol _x;
    private readonly string? _a;
    private readonly string? _b;
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);
    private int _fresh;

    private static readonly string[] IndexCandidates = ["i", "j", "k", "l", "p", "q", "r", "s", "t", "u", "v", "w", "o", "y", "z"];
    private static readonly string[] FreeCandidates = ["a", "b", "c", "d", "e", "g", "h", "m", "n"];

    /// <summary>Index letters in order of use: none is also the name of a symbol of f (a_a b_b would read badly).</summary>
    private readonly string[] _indexNames;

    private IndexMethod(Symbol x, IReadOnlySet<string> taken)
    {
        _x = x;
        var free = FreeCandidates.Where(n => !taken.Contains(n)).Take(2).ToList();
        _a = x.Shape.Rows.IsOne ? null : free[0];
        _b = x.Shape.Cols.IsOne ? null : free[1];
        _indexNames = IndexCandidates.Where(n => !taken.Contains(n)).ToArray();
    }

    private string Fresh() => _fresh < _indexNames.Length ? _indexNames[_fresh++] : $"i{_fresh++ - _indexNames.Length + 1}";

    public static Derivation Derive(Expr f, Symbol x) =>
        new IndexMethod(x, f.DescendantsAndSelf().OfType<Symbol>().Select(s => s.Name).Append(x.Name).ToHashSet(StringComparer.Ordinal)).Run(f);

    private Derivation Run(Expr f)
    {
        var steps = new List<DerivationStep> { new(FunctionTerm.F, f, ["definition"]) };
        var terms = Entries(ToIndex(f, null, null));
        steps.Add(Step(FunctionTerm.F, terms, [Rules.IndexWrite.Name]));

        var entry = new PartialTerm(_x, new[] { _a, _b }.OfType<string>().ToList());
        _used.Clear();
        var derivative = Entries(terms.SelectMany(Differentiate).ToList());
        steps.Add(Step(entry, derivative, [Rules.IndexProduct.Name, .. _used.OrderBy(r => r, StringComparer.Ordinal)]));

        var contracted = derivative.Select(Contract).Where(t => t.Coef != 0).ToList();
        steps.Add(Step(entry, contracted, [Rules.IndexContract.Name]));

        _used.Clear();
        var matrix = Ops.Sum(contracted.Select(ToMatrix), _x.Shape);
        var gradient = new PartialTerm(_x);
        var translated = new DerivationStep(gradient, matrix, [Rules.IndexToMatrix.Name, .. _used.Where(r => r == Rules.PowerSumCommuting.Name)]);
        var g = Simplifier.Simplify(matrix, out var rules);
        // Products with no index left (a scalar variable) are matrix notation already: no translation step of their own.
        var indexFree = contracted.All(t => t.Summed.Count == 0 && t.Factors.All(x => x.Row is null && x.Col is null));
        // A rewrite that names no rule (a broadcast 1 written as ones(n, m)) is no step of its own: the translation shows it.
        if (g != matrix && rules.Count == 0) steps.Add(translated with { Rhs = new ExprTerm(g) });
        else
        {
            if (!indexFree) steps.Add(translated);
            if (g != matrix) steps.Add(new DerivationStep(gradient, g, rules));
        }
        return new Derivation(Name, steps, g);
    }

    /// <summary>The terms, unless they would write more entries than the budget allows.</summary>
    private static List<Term> Entries(List<Term> terms)
    {
        Budget.Tick();
        var entries = terms.Sum(t => (long)t.Factors.Count + t.Scalars.Count + 1);
        return entries <= Budget.MaxIndexEntries ? terms
            : throw new BudgetExceededException($"the index form would have {entries:N0} entries, over the budget of {Budget.MaxIndexEntries:N0}");
    }

    private static DerivationStep Step(StepTerm lhs, IReadOnlyList<Term> terms, IReadOnlyList<string> rules) =>
        new(lhs, AsSum(terms), rules);

    /// <summary>The terms as a step term: products of entries and deltas with their summed indices, as data.</summary>
    private static IndexSumTerm AsSum(IReadOnlyList<Term> terms) => new(terms.Select(t => new IndexProduct(
        t.Coef, t.Scalars.ToList(), t.Factors.Select(AsFactor).ToList(), t.Summed.ToList(),
        t.Factors.Select(f => f.Atom).OfType<PowerPart>().FirstOrDefault(p => p.Left) is { } power ? new PowerRange(power.Index, power.K - 1) : null)).ToList());

    private static IndexFactor AsFactor(Factor f) => f.Atom switch
    {
        Identity => new DeltaFactor(f.Row, f.Col),
        PowerPart p => new PowerFactor(p.A, p.K, p.Index, p.Left, f.Row, f.Col),
        _ => new EntryFactor(f.Atom, f.Row, f.Col),
    };

    // ───────────── matrix → index notation ─────────────

    private static List<Term> Product(List<Term> a, List<Term> b)
    {
        Budget.Tick();
        if (a.Count * b.Count > 512) throw new UnsupportedConstructException("the index form would have more than 512 terms; the other methods keep the structure");
        return [.. from x in a from y in b select x.Times(y)];
    }

    private static List<Term> Single(Factor f) => [Term.One with { Factors = [f] }];

    private static List<Term> ScalarAtom(Expr e) => [Term.One with { Scalars = [e] }];

    private bool Depends(Expr e) => e.DescendantsAndSelf().Any(n => n is Symbol s && s.Name == _x.Name);

    private List<Term> ToIndex(Expr e, string? r, string? c)
    {
        if (e.Shape.Rows.IsOne) r = null;
        if (e.Shape.Cols.IsOne) c = null;
        switch (e)
        {
            case Number n: return [Term.One with { Coef = n.Value }];
            case ZeroMatrix: return [];
            case Ones: return [Term.One];
            case Identity: return r is null && c is null ? [Term.One] : Single(new Factor(e, r, c));
            case Add a: return [.. ToIndex(a.L, r, c), .. ToIndex(a.R, r, c)];
            case Neg n: return ToIndex(n.A, r, c).Select(t => t.Scaled(-1)).ToList();
            case Scale s: return Product(ToIndex(s.Factor, null, null), ToIndex(s.A, r, c));
            case Divide d when d.Denominator is Number k: return ToIndex(d.Numerator, r, c).Select(t => t.Scaled(1 / k.Value)).ToList();
            case Divide d: return Product(ToIndex(d.Numerator, r, c), Atom(new Power(d.Denominator, -1), null, null));
            case MatMul m:
            {
                var k = m.L.Shape.Cols.IsOne ? null : Fresh();
                var p = Product(ToIndex(m.L, r, k), ToIndex(m.R, k, c));
                return k is null ? p : p.Select(t => t with { Summed = [.. t.Summed, k] }).ToList();
            }
            case Transpose t: return ToIndex(t.A, c, r);
            // Operands of entrywise products stay whole entries ((A − UVᵀ)_ij), as a hand derivation keeps them; they are
            // expanded only when differentiated.
            case Hadamard h: return Product(Entry(h.L, r, c), Entry(h.R, r, c));
            case HadamardDiv h: return Product(Entry(h.L, r, c), Atom(new HadamardPower(h.R, -1), r, c));
            case Broadcast b: return ToIndex(b.Value, null, null);
            case Trace t:
            {
                var i = Fresh();
                return ToIndex(t.A, i, i).Select(x => x with { Summed = [.. x.Summed, i] }).ToList();
            }
            case Frobenius f:
            {
                // A : B = Σ_ij A_ij B_ij, with composite A, B kept as whole entries (‖R‖² = Σ R_ij R_ij).
                var i = f.L.Shape.Rows.IsOne ? null : Fresh();
                var j = f.L.Shape.Cols.IsOne ? null : Fresh();
                return Product(Entry(f.L, i, j), Entry(f.R, i, j)).Select(x => x with { Summed = [.. x.Summed, .. new[] { i, j }.OfType<string>()] }).ToList();
            }
            case SumAll s:
            {
                var i = s.A.Shape.Rows.IsOne ? null : Fresh();
                var j = s.A.Shape.Cols.IsOne ? null : Fresh();
                return ToIndex(s.A, i, j).Select(x => x with { Summed = [.. x.Summed, .. new[] { i, j }.OfType<string>()] }).ToList();
            }
            case Power { A: Norm { Kind: NormKind.Frobenius } n, Exponent: 2 }:
                return ToIndex(new Frobenius(n.A, n.A), null, null);
            case Power p when !p.A.IsScalar && PowerSums.Exponent(p) >= PowerSums.SummationFrom:
                // (Aᵏ)_rc stays one entry; its derivative is one summation over t (index_power), not k products.
                return Atom(e, r, c);
            case Power p when !p.A.IsScalar:
                return ToIndex(Enumerable.Repeat(p.A, (int)p.Exponent).Aggregate((x, y) => new MatMul(x, y)), r, c);
            case Power p when p.Exponent == Math.Floor(p.Exponent) && p.Exponent is >= 1 and <= 4:
                return Enumerable.Repeat(p.A, (int)p.Exponent).Select(x => ToIndex(x, null, null)).Aggregate(Product);
            case DiagMatrix d:
                return Product(ToIndex(d.A, r, null), r is null ? [Term.One] : Single(new Factor(new Identity(d.Shape.Rows), r, c)));
            case Symbol or Inverse or Det or LogDet or Elementwise or Norm or Softmax or Power or HadamardPower or DiagVector:
                return Atom(e, r, c);
            case OpaqueCall or JacobianAdjoint or JacobianApply:
                throw new UnsupportedConstructException("an opaque function: its derivative is a fourth-order tensor Γ_ijkl, which the index method does not contract back into matrix notation (use the differential or Gâteaux method)");
            case Kron or Vec:
                throw new UnsupportedConstructException($"{(e is Kron ? "a Kronecker product" : "vec")}: its entries need index arithmetic ((i−1)p + k) that this method does not write");
            default:
                throw new UnsupportedConstructException($"no index form for {e.GetType().Name}");
        }
    }

    private List<Term> Entry(Expr e, string? r, string? c) =>
        e is Add or MatMul or Scale or Neg or Divide or Transpose { A: not Symbol } && !e.IsScalar ? Atom(e, r, c) : ToIndex(e, r, c);

    private static List<Term> Atom(Expr e, string? r, string? c) =>
        e.IsScalar ? ScalarAtom(e) : Single(new Factor(e, e.Shape.Rows.IsOne ? null : r, e.Shape.Cols.IsOne ? null : c));

    // ───────────── differentiation, entry by entry ─────────────

    private IEnumerable<Term> Differentiate(Term t)
    {
        for (var i = 0; i < t.Scalars.Count; i++)
        {
            if (!Depends(t.Scalars[i])) continue;
            var rest = t with { Scalars = t.Scalars.Where((_, k) => k != i).ToList() };
            foreach (var d in ScalarDerivative(t.Scalars[i])) yield return rest.Times(d);
        }
        for (var i = 0; i < t.Factors.Count; i++)
        {
            var f = t.Factors[i];
            if (!Depends(f.Atom)) continue;
            var rest = t with { Factors = t.Factors.Where((_, k) => k != i).ToList() };
            foreach (var d in EntryDerivative(f)) yield return rest.Times(d);
        }
    }

    /// <summary>∂X_rc/∂X_ab = δ_ra δ_cb, and the component rules for the other atoms.</summary>
    private IEnumerable<Term> EntryDerivative(Factor f)
    {
        var (r, c) = (f.Row, f.Col);
        switch (f.Atom)
        {
            case Symbol:
                _used.Add(Rules.IndexDelta.Name);
                var deltas = new List<Factor>();
                if (_a is not null) deltas.Add(new Factor(new Identity(_x.Shape.Rows), r, _a));
                if (_b is not null) deltas.Add(new Factor(new Identity(_x.Shape.Cols), c, _b));
                return [Term.One with { Factors = deltas }];
            case Inverse inv:
            {
                // ∂(A⁻¹)_rc = −Σ_pq (A⁻¹)_rp ∂A_pq (A⁻¹)_qc
                _used.Add(Rules.IndexInverse.Name);
                var p = Fresh();
                var q = Fresh();
                var outer = new Term(-1, [], [new Factor(inv, r, p), new Factor(inv, q, c)], [p, q]);
                return InnerDerivative(inv.A, p, q).Select(outer.Times);
            }
            case Elementwise e:
                _used.Add(Rules.IndexElementwise.Name);
                return InnerDerivative(e.A, r, c).Select(Single(new Factor(Derivatives.Entrywise(e), r, c))[0].Times);
            case HadamardPower hp:
                _used.Add(Rules.IndexElementwise.Name);
                return InnerDerivative(hp.A, r, c).Select(new Term(hp.Exponent, [], [new Factor(hp.Exponent == 2 ? hp.A : new HadamardPower(hp.A, hp.Exponent - 1), r, c)], []).Times);
            case Softmax s when !s.Rows:
            {
                // ∂S_rc = Σ_p S_rc (δ_rp − S_pc) ∂Z_pc
                _used.Add(Rules.IndexSoftmax.Name);
                var p = Fresh();
                var diag = new Term(1, [], [new Factor(s, r, c), new Factor(new Identity(s.Shape.Rows), r, p)], [p]);
                var off = new Term(-1, [], [new Factor(s, r, c), new Factor(s, p, c)], [p]);
                var inner = InnerDerivative(s.A, p, c).ToList();
                return inner.Select(diag.Times).Concat(inner.Select(off.Times));
            }
            case Softmax s:
            {
                _used.Add(Rules.IndexSoftmax.Name);
                var q = Fresh();
                var diag = new Term(1, [], [new Factor(s, r, c), new Factor(new Identity(s.Shape.Cols), c, q)], [q]);
                var off = new Term(-1, [], [new Factor(s, r, c), new Factor(s, r, q)], [q]);
                var inner = InnerDerivative(s.A, r, q).ToList();
                return inner.Select(diag.Times).Concat(inner.Select(off.Times));
            }
            case DiagVector d:
                return InnerDerivative(d.A, r, r);
            case Power p when !p.A.IsScalar:
            {
                // ∂(Aᵏ)_rc = Σ_{t=0}^{k−1} Σ_pq (Aᵗ)_rp ∂A_pq (A^{k−1−t})_qc
                _used.Add(Rules.IndexPower.Name);
                var k = PowerSums.Exponent(p);
                var t = Fresh();
                var pi = Fresh();
                var q = Fresh();
                var outer = new Term(1, [], [new Factor(new PowerPart(p.A, k, t, Left: true), r, pi), new Factor(new PowerPart(p.A, k, t, Left: false), q, c)], [pi, q]);
                return InnerDerivative(p.A, pi, q).Select(outer.Times);
            }
            case Add or MatMul or Scale or Neg or Divide or Transpose:
                // A whole entry (A − UVᵀ)_rc: write it in indices now and differentiate that.
                return InnerDerivative(f.Atom, r, c);
            default:
                throw new UnsupportedConstructException($"no component rule for {f.Atom.GetType().Name}");
        }
    }

    private IEnumerable<Term> ScalarDerivative(Expr s)
    {
        switch (s)
        {
            case Symbol: return EntryDerivative(new Factor(s, null, null));
            case Det d:
            {
                // ∂ det A = det A Σ_pq (A⁻¹)_qp ∂A_pq
                _used.Add(Rules.IndexDet.Name);
                var p = Fresh();
                var q = Fresh();
                var outer = new Term(1, [s], [new Factor(Ops.Inv(d.A), q, p)], [p, q]);
                return InnerDerivative(d.A, p, q).Select(outer.Times);
            }
            case LogDet l:
            {
                _used.Add(Rules.IndexDet.Name);
                var p = Fresh();
                var q = Fresh();
                var outer = new Term(1, [], [new Factor(Ops.Inv(l.A), q, p)], [p, q]);
                return InnerDerivative(l.A, p, q).Select(outer.Times);
            }
            case Norm { Kind: NormKind.Frobenius } n:
            {
                _used.Add(Rules.IndexNorm.Name);
                var p = n.A.Shape.Rows.IsOne ? null : Fresh();
                var q = n.A.Shape.Cols.IsOne ? null : Fresh();
                var outer = new Term(1, [new Power(s, -1)], [new Factor(n.A, p, q)], new[] { p, q }.OfType<string>().ToList());
                return InnerDerivative(n.A, p, q).Select(outer.Times);
            }
            case Norm n:
            {
                _used.Add(Rules.IndexNorm.Name);
                var p = n.A.Shape.Rows.IsOne ? null : Fresh();
                var q = n.A.Shape.Cols.IsOne ? null : Fresh();
                var outer = new Term(1, [], [new Factor(new Elementwise(ElementwiseFn.Sign, n.A), p, q)], new[] { p, q }.OfType<string>().ToList());
                return InnerDerivative(n.A, p, q).Select(outer.Times);
            }
            case Power p:
            {
                _used.Add(Rules.IndexElementwise.Name);
                var outer = new Term(p.Exponent, p.Exponent == 2 ? [p.A] : p.Exponent == 1 ? [] : [new Power(p.A, p.Exponent - 1)], [], []);
                return InnerDerivative(p.A, null, null).Select(outer.Times);
            }
            case HadamardPower hp:
            {
                // A 1×1 entrywise power, (a'Xb).^2, is the scalar power.
                _used.Add(Rules.IndexElementwise.Name);
                var outer = new Term(hp.Exponent, hp.Exponent == 2 ? [hp.A] : hp.Exponent == 1 ? [] : [new HadamardPower(hp.A, hp.Exponent - 1)], [], []);
                return InnerDerivative(hp.A, null, null).Select(outer.Times);
            }
            case Elementwise e:
                _used.Add(Rules.IndexElementwise.Name);
                return InnerDerivative(e.A, null, null).Select(new Term(1, [Derivatives.Entrywise(e)], [], []).Times);
            default:
            {
                // A scalar that decomposes (a trace, a product x'Ax, …): write it in indices and differentiate that.
                var index = ToIndex(s, null, null);
                // A scalar atom without a rule of its own would come back unchanged and recurse forever.
                if (index is [{ Scalars: [var only], Factors: [] }] && only == s)
                    throw new UnsupportedConstructException($"no component rule for a 1×1 {s.GetType().Name}");
                return index.SelectMany(Differentiate).ToList();
            }
        }
    }

    /// <summary>∂(inner)_rc/∂X_ab as a sum of terms.</summary>
    private IEnumerable<Term> InnerDerivative(Expr inner, string? r, string? c) => ToIndex(inner, r, c).SelectMany(Differentiate).ToList();

    // ───────────── contracting the deltas ─────────────

    private Term Contract(Term t)
    {
        var factors = t.Factors.ToList();
        var summed = t.Summed.ToList();
        var changed = true;
        while (changed)
        {
            changed = false;
            for (var i = 0; i < factors.Count; i++)
            {
                var d = factors[i];
                if (!d.IsDelta) continue;
                if (d.Row is null || d.Col is null || d.Row == d.Col && !summed.Contains(d.Row))
                {
                    if (d.Row is null && d.Col is null) { factors.RemoveAt(i); changed = true; break; }
                    continue;
                }
                string? from = summed.Contains(d.Row) ? d.Row : summed.Contains(d.Col) ? d.Col : null;
                if (from is null) continue; // δ_ab between the two free indices: the identity
                var to = from == d.Row ? d.Col : d.Row;
                factors.RemoveAt(i);
                changed = true;
                if (from == to)
                {
                    // δ_ii = 1; a sum over i that nothing else carries counts the dimension: tr(I) = n.
                    if (!factors.Any(f => f.Row == from || f.Col == from))
                    {
                        factors.Add(new Factor(new Trace(d.Atom), null, null));
                        summed.Remove(from);
                    }
                    break;
                }
                factors = factors.Select(f => f.Rename(from, to)).ToList();
                summed.Remove(from);
                break;
            }
        }
        var scalars = t.Scalars.ToList();
        foreach (var f in factors.Where(f => f.Atom is Trace).ToList())
        {
            factors.Remove(f);
            scalars.Add(f.Atom);
        }
        return t with { Factors = factors, Summed = summed, Scalars = scalars };
    }

    // ───────────── back to matrix notation: walking the index graph ─────────────

    private sealed record Edge(Expr Matrix, string From, string To);

    private Expr ToMatrix(Term t)
    {
        const string unit = "·";
        var edges = new List<Edge>();
        var units = 0;
        // Bundle factors over the same pair of indices into Hadamard products.
        var bundles = new Dictionary<(string, string), Expr>();
        var order = new List<(string, string)>();
        foreach (var f in t.Factors)
        {
            var row = f.Row;
            var col = f.Col;
            var atom = f.Atom;
            if (row is null && col is null) throw new UnsupportedConstructException("internal: an entry without indices");
            if (row is null) { (row, col, atom) = (col, null, Ops.T(atom)); }
            var key = col is null ? (row!, unit) : string.CompareOrdinal(row, col) <= 0 ? (row!, col) : (col, row!);
            var oriented = col is null || key.Item1 == row ? atom : Ops.T(atom);
            if (bundles.TryGetValue(key, out var existing))
            {
                _used.Add(Rules.IndexToMatrix.Name);
                bundles[key] = key.Item1 == key.Item2 ? throw new UnsupportedConstructException("a repeated diagonal entry (A_ii B_ii): not a matrix product") : new Hadamard(existing, oriented);
            }
            else
            {
                bundles[key] = oriented;
                order.Add(key);
            }
        }
        foreach (var key in order)
            edges.Add(key.Item2 == unit ? new Edge(bundles[key], key.Item1, $"{unit}{units++}") : new Edge(bundles[key], key.Item1, key.Item2));

        // A free index that no factor carries ranges over a vector of ones (∂ sum(x)/∂x_a = 1).
        foreach (var (free, dim) in new[] { (_a, _x.Shape.Rows), (_b, _x.Shape.Cols) })
            if (free is not null && !edges.Any(e => e.From == free || e.To == free))
                edges.Add(new Edge(new Ones(Shape.Vector(dim)), free, $"{unit}{units++}"));

        // Summed indices that occur once are sums over that index: 1ᵀ…
        foreach (var s in t.Summed)
        {
            var degree = edges.Sum(e => (e.From == s ? 1 : 0) + (e.To == s ? 1 : 0));
            if (degree == 1)
            {
                var e = edges.First(x => x.From == s || x.To == s);
                var dim = e.From == s ? e.Matrix.Shape.Rows : e.Matrix.Shape.Cols;
                edges.Add(new Edge(new Ones(Shape.Vector(dim)), s, $"{unit}{units++}"));
            }
            else if (degree == 0)
                throw new UnsupportedConstructException($"a sum over the index {s}, which no entry carries (a count of its range)");
        }

        Expr result;
        if (t.Scalars.Count > 0 && Rational.IsFraction(t.Coef, out var p, out var q) && q <= 16)
        {
            // λ₁/2, as the other methods write it (not 0.5 λ₁).
            result = t.Scalars.Aggregate((Expr)new Number(p), Ops.Mul);
            result = Ops.Div(result, new Number(q));
        }
        else
        {
            result = new Number(t.Coef);
            foreach (var s in t.Scalars) result = Ops.Mul(result, s);
        }

        // Reduce the index graph: a summed index between two factors is a product (series), two factors over the same
        // pair of indices a Hadamard product (parallel), a loop a trace, a vector hanging off a busy index a diag(v).
        var summed = new HashSet<string>(t.Summed);
        bool IsUnit(string n) => n.StartsWith(unit, StringComparison.Ordinal);
        int Degree(string n) => edges.Sum(e => (e.From == n ? 1 : 0) + (e.To == n ? 1 : 0));
        for (var guard = 0; guard < 10_000; guard++)
        {
            // parallel
            (Edge? e1, Edge? e2) pair = (null, null);
            for (var i = 0; i < edges.Count && pair.e1 is null; i++)
                for (var j = i + 1; j < edges.Count; j++)
                {
                    var (p1, p2) = (edges[i], edges[j]);
                    if (p1.From == p1.To || p2.From == p2.To) continue;
                    if ((p2.From == p1.From && p2.To == p1.To) || (p2.From == p1.To && p2.To == p1.From)) { pair = (p1, p2); break; }
                }
            if (pair is (Edge e1, Edge e2))
            {
                var m2 = e2.From == e1.From ? e2.Matrix : Ops.T(e2.Matrix);
                edges.Remove(e1);
                edges.Remove(e2);
                edges.Add(e1 with { Matrix = new Hadamard(e1.Matrix, m2) });
                continue;
            }
            // loops
            var loop = edges.FirstOrDefault(e => e.From == e.To);
            if (loop is not null)
            {
                edges.Remove(loop);
                _used.Add(Rules.TraceAsFrobenius.Name);
                // A loop on a free index is the diagonal as a vector (diag(H)_i = H_ii), elsewhere a trace.
                if (Degree(loop.From) == 0 && loop.From != _a && loop.From != _b) result = Ops.Mul(result, Ops.Tr(loop.Matrix));
                else edges.Add(new Edge(new DiagVector(loop.Matrix), loop.From, $"{unit}{units++}"));
                continue;
            }
            // A summed index left on one factor by a parallel merge (Σ_i A_ai B_ia = ((A .* Bᵀ) 1)_a) sums over a vector of ones.
            var dangling = summed.FirstOrDefault(n => Degree(n) == 1);
            if (dangling is not null)
            {
                var e = edges.First(x => x.From == dangling || x.To == dangling);
                var dim = e.From == dangling ? e.Matrix.Shape.Rows : e.Matrix.Shape.Cols;
                edges.Add(new Edge(new Ones(Shape.Vector(dim)), dangling, $"{unit}{units++}"));
                continue;
            }
            // series
            var x = summed.FirstOrDefault(n => Degree(n) == 2);
            if (x is not null)
            {
                var two = edges.Where(e => e.From == x || e.To == x).ToList();
                var (a1, a2) = (two[0], two[1]);
                var u = a1.From == x ? a1.To : a1.From;
                var v = a2.From == x ? a2.To : a2.From;
                var m1 = a1.To == x ? a1.Matrix : Ops.T(a1.Matrix);   // u → x
                var m2 = a2.From == x ? a2.Matrix : Ops.T(a2.Matrix); // x → v
                edges.Remove(a1);
                edges.Remove(a2);
                summed.Remove(x);
                if (IsUnit(u) && IsUnit(v)) result = Ops.Mul(result, Ops.Mul(m1, m2)); // xᵀ y: a scalar
                else if (IsUnit(u)) edges.Add(new Edge(Ops.T(Ops.Mul(m1, m2)), v, u));
                else edges.Add(new Edge(Ops.Mul(m1, m2), u, v));
                continue;
            }
            // a vector over a busy index: Σ_j A_aj v_j B_jb = (A diag(v) B)_ab
            var busy = summed.FirstOrDefault(n => Degree(n) > 2)
                ?? new[] { _a, _b }.OfType<string>().FirstOrDefault(f => Degree(f) > 1 && edges.Any(e => e.From == f && IsUnit(e.To)) && edges.Count(e => e.From == f || e.To == f) > 1 && !(f == _a && _b is null));
            var vector = busy is null ? null : edges.FirstOrDefault(e => e.From == busy && IsUnit(e.To));
            if (busy is not null && vector is not null)
            {
                _used.Add(Rules.IndexToMatrix.Name);
                edges.Remove(vector);
                var moved = edges.First(e => e.From == busy || e.To == busy);
                edges.Remove(moved);
                var fresh = busy + "'";
                edges.Add(moved.From == busy ? moved with { From = fresh } : moved with { To = fresh });
                edges.Add(new Edge(new DiagMatrix(vector.Matrix), busy, fresh));
                summed.Add(fresh);
                continue;
            }
            // Two vectors over one index, when nothing above applies (the free index of a vector result): v_i w_i = (v ⊙ w)_i.
            var twin = edges.Where(e => IsUnit(e.To) && !IsUnit(e.From)).GroupBy(e => e.From).FirstOrDefault(g => g.Count() > 1);
            if (twin is not null)
            {
                var (v1, v2) = (twin.First(), twin.Skip(1).First());
                edges.Remove(v1);
                edges.Remove(v2);
                edges.Add(v1 with { Matrix = new Hadamard(v1.Matrix, v2.Matrix) });
                continue;
            }
            break;
        }

        // What is left: the a–b edge (or a vector end for a vector variable, or an outer product u vᵀ).
        Expr? chain = null;
        if (_a is not null || _b is not null)
        {
            Edge Take(string n)
            {
                var e = edges.FirstOrDefault(x => x.From == n || x.To == n)
                    ?? throw new UnsupportedConstructException($"the free index {n} is not on a product chain");
                edges.Remove(e);
                return e;
            }
            if (_a is not null && _b is not null)
            {
                var e = Take(_a);
                var other = e.From == _a ? e.To : e.From;
                var m = e.From == _a ? e.Matrix : Ops.T(e.Matrix);
                if (other == _b) chain = m;
                else if (IsUnit(other))
                {
                    var f = Take(_b);
                    var fm = f.From == _b ? f.Matrix : Ops.T(f.Matrix);
                    chain = Ops.Mul(m, Ops.T(fm)); // u vᵀ
                }
                else throw new UnsupportedConstructException($"the free index {_a} leads to {other}, not to {_b}");
            }
            else
            {
                var free = _a ?? _b!;
                var e = Take(free);
                var m = e.From == free ? e.Matrix : Ops.T(e.Matrix);
                chain = _a is null ? Ops.T(m) : m;
            }
        }
        if (edges.Count > 0 && edges.Any(e => e.Matrix.DescendantsAndSelf().Any(x => x is PowerPart)))
            throw new UnsupportedConstructException("the summation of a matrix power's derivative leaves an index pattern that is not a matrix expression");
        if (edges.Count > 0)
            throw new UnsupportedConstructException($"the index pattern {string.Join(", ", edges.Select(e => $"{e.Matrix}[{e.From},{e.To}]"))} is not a matrix expression");
        var matrix = chain is null ? result : Ops.Mul(result, chain);
        return matrix.DescendantsAndSelf().Any(e => e is PowerPart) ? ReadPowerSum(matrix) : matrix;
    }

    /// <summary>
    /// c · P (Aᵗ)^(⊤) Q (A^{k−1−t})^(⊤) S summed over t, read back as c · P (Σ_{t=0}^{k−1} Bᵗ Q B^{k−1−t}) S with B = A or Aᵀ —
    /// collapsed to k Q B^{k−1} when Q commutes with B (power_sum_commuting).
    /// </summary>
    private Expr ReadPowerSum(Expr matrix)
    {
        Expr coef = new Number(1);
        var chain = new List<Expr>();
        void Flatten(Expr e, bool transposed)
        {
            switch (e)
            {
                case MatMul m when transposed: Flatten(m.R, true); Flatten(m.L, true); break;
                case MatMul m: Flatten(m.L, false); Flatten(m.R, false); break;
                case Transpose t: Flatten(t.A, !transposed); break;
                case Scale s when s.Factor.IsScalar: coef = Ops.Mul(coef, s.Factor); Flatten(s.A, transposed); break;
                case Neg n: coef = Ops.Neg(coef); Flatten(n.A, transposed); break;
                case PowerPart: chain.Add(transposed ? new Transpose(e) : e); break;
                default:
                    if (e.DescendantsAndSelf().Any(x => x is PowerPart))
                        throw new UnsupportedConstructException("the summation of a matrix power's derivative meets a trace, a Hadamard product or a diagonal, which this method does not write back as a matrix");
                    chain.Add(transposed ? Ops.T(e) : e);
                    break;
            }
        }
        Flatten(matrix, false);
        static PowerPart? Part(Expr e) => e switch { PowerPart p => p, Transpose { A: PowerPart p } => p, _ => null };
        var at = chain.Select((e, i) => (Part: Part(e), I: i)).Where(x => x.Part is not null).ToList();
        if (at is not [var first, var second] || first.Part!.Index != second.Part!.Index || first.Part.Left == second.Part.Left
            || chain[first.I] is Transpose != chain[second.I] is Transpose)
            throw new UnsupportedConstructException("the derivative has two matrix-power summations in one term, which this method does not write back as a matrix");
        var part = first.Part;
        var b = chain[first.I] is Transpose ? Ops.T(part.A) : part.A;
        Expr Product(IEnumerable<Expr> factors, Dim size) => factors.Aggregate((Expr)new Identity(size), Ops.Mul);
        var q = Product(chain.Skip(first.I + 1).Take(second.I - first.I - 1), b.Shape.Rows);
        var collapsed = PowerSums.Collapse(b, q, part.K);
        if (collapsed is not null) _used.Add(Rules.PowerSumCommuting.Name);
        var sum = collapsed ?? (part.K <= PowerSums.WriteOutUpTo ? PowerSums.WrittenOut(b, q, part.K) : PowerSums.Make(b, q, part.K));
        var p = Product(chain.Take(first.I), matrix.Shape.Rows);
        var s = Product(chain.Skip(second.I + 1), b.Shape.Cols);
        return Ops.Mul(coef, Ops.Mul(Ops.Mul(p, sum), s));
    }
}
