using NotebookCalc.Semantics;
using NotebookCalc.Differentiation;
using NotebookCalc.Expressions;
using NotebookCalc.Numerics;
using NotebookCalc.Rewriting;

namespace NotebookCalc.Rendering;

/// <summary>
/// Rewrites the nodes that the matcalc language has no spelling for into equal-valued expressions it does have, so that
/// printed text parses back (LANGUAGE.md §4: gradient.text is valid matcalc syntax):
/// <list type="bullet">
/// <item>vec⁻¹ of an rc-vector v as an r×c matrix: (vec(I_c)ᵀ ⊗ I_r)(I_c ⊗ v);</item>
/// <item>the adjoints of X ↦ X ⊗ B and X ↦ A ⊗ X, as sums of the blocks of C weighted by B (resp. A):
/// G = (I_r ⊗ 𝟙_pᵀ)(C ⊙ (𝟙_{r×c} ⊗ B))(I_c ⊗ 𝟙_q) and G = (𝟙_rᵀ ⊗ I_p)(C ⊙ (A ⊗ 𝟙_{p×q}))(𝟙_s ⊗ I_q);</item>
/// <item>ones, zeros and identities whose size is a product of dimensions (kn), which the language cannot name, as
/// Kronecker products of factors it can (ones(k) ⊗ ones(n), I_k ⊗ I_n); a 1×1 ones or zeros as the number.</item>
/// </list>
/// <see cref="LowerNode"/> rewrites only the node itself (its children are lowered when they are printed), and returns
/// the node unchanged when it already has a spelling.
/// </summary>
public static class Expressible
{
    /// <summary>The whole tree lowered (for evaluation or comparison of what the text printer writes).</summary>
    public static Expr Lower(Expr e)
    {
        var node = e;
        for (var lowered = LowerNode(node); !ReferenceEquals(lowered, node); lowered = LowerNode(node)) node = lowered;
        if (node.Children.Count == 0) return node;
        var children = node.Children.Select(Lower).ToList();
        return children.Zip(node.Children).All(p => ReferenceEquals(p.First, p.Second)) ? node : node.With(children);
    }

    /// <summary>One node rewritten into spellable nodes (children untouched), or the node itself.</summary>
    public static Expr LowerNode(Expr e) => e switch
    {
        Ones { Shape.IsScalar: true } => new Number(1),
        ZeroMatrix { Shape.IsScalar: true } => new Number(0),
        Ones o when !Spellable(o.Shape.Rows) || !Spellable(o.Shape.Cols) => KronOf(o.Shape, (r, c) => new Ones(new Shape(r, c))),
        ZeroMatrix z when !Spellable(z.Shape.Rows) || !Spellable(z.Shape.Cols) =>
            KronOf(z.Shape, (r, c) => new Ones(new Shape(r, c)), first: (r, c) => new ZeroMatrix(new Shape(r, c))),
        Identity i when !Spellable(i.Dimension) => KronOf(i.Shape, (r, _) => new Identity(r)),
        Unvec u => UnvecOf(u.V, u.Target),
        KronAdjoint k => KronAdjointOf(k),
        _ => e,
    };

    /// <summary>A dimension the language can write inside ones(…), zeros(…) or I_…: a name or a positive integer.</summary>
    public static bool Spellable(Dim d) => d is NamedDim or ConstDim;

    private static Expr Eye(Dim d) => new Identity(d);

    private static Expr OnesCol(Dim d) => new Ones(Shape.Vector(d));

    private static Expr OnesRow(Dim d) => new Transpose(OnesCol(d));

    /// <summary>The factors of a dimension (kn → k, n; 2·n → 2, n), 1 left out.</summary>
    private static List<Dim> Factors(Dim d)
    {
        var list = new List<Dim>();
        void Collect(Dim x)
        {
            switch (x)
            {
                case ProductDim p: Collect(p.Left); Collect(p.Right); break;
                case ConstDim { Value: 1 }: break;
                default: list.Add(x); break;
            }
        }
        Collect(d);
        return list;
    }

    /// <summary>
    /// A matrix of the given shape as a Kronecker product of factors with spellable sizes: rows and columns are split into
    /// their factors and paired up (padded with 1). Only for matrices that factor so (all-ones, zero, identity).
    /// </summary>
    private static Expr KronOf(Shape shape, Func<Dim, Dim, Expr> make, Func<Dim, Dim, Expr>? first = null)
    {
        var rows = Factors(shape.Rows);
        var cols = Factors(shape.Cols);
        var count = Math.Max(1, Math.Max(rows.Count, cols.Count));
        Expr? result = null;
        for (var i = 0; i < count; i++)
        {
            var r = i < rows.Count ? rows[i] : Dim.One;
            var c = i < cols.Count ? cols[i] : Dim.One;
            var factor = (i == 0 && first is not null ? first : make)(r, c);
            result = result is null ? factor : new Kron(result, factor);
        }
        return result!;
    }

    /// <summary>vec⁻¹ of v into r×c: (vec(I_c)ᵀ ⊗ I_r)(I_c ⊗ v); v itself for a column, vᵀ for a row.</summary>
    private static Expr UnvecOf(Expr v, Shape target)
    {
        if (target.Cols.IsOne) return v;
        if (target.Rows.IsOne) return new Transpose(v);
        var c = target.Cols;
        return new MatMul(new Kron(new Transpose(new Vec(Eye(c))), Eye(target.Rows)), new Kron(Eye(c), v));
    }

    /// <summary>
    /// Left (C : (dA ⊗ B) = G : dA, A r×c, B p×q): G = (I_r ⊗ 𝟙_pᵀ)(C ⊙ (𝟙_{r×c} ⊗ B))(I_c ⊗ 𝟙_q).
    /// Right (C : (A ⊗ dB) = G : dB, A r×s, B p×q): G = (𝟙_rᵀ ⊗ I_p)(C ⊙ (A ⊗ 𝟙_{p×q}))(𝟙_s ⊗ I_q).
    /// A factor of size 1 is left out (I_1 ⊗ M = M).
    /// </summary>
    private static Expr KronAdjointOf(KronAdjoint k)
    {
        static Expr K(Expr a, Expr b) => a.Shape.IsScalar && a is Identity or Ones ? b : b.Shape.IsScalar && b is Identity or Ones ? a : new Kron(a, b);
        if (k.IsLeft)
        {
            Dim r = k.Target.Rows, c = k.Target.Cols, p = k.Other.Shape.Rows, q = k.Other.Shape.Cols;
            var left = K(Eye(r), OnesRow(p));
            var weighted = new Hadamard(k.Cotangent, K(new Ones(new Shape(r, c)), k.Other));
            var right = K(Eye(c), OnesCol(q));
            return Product(left, weighted, right);
        }
        else
        {
            Dim r = k.Other.Shape.Rows, s = k.Other.Shape.Cols, p = k.Target.Rows, q = k.Target.Cols;
            var left = K(OnesRow(r), Eye(p));
            var weighted = new Hadamard(k.Cotangent, K(k.Other, new Ones(new Shape(p, q))));
            var right = K(OnesCol(s), Eye(q));
            return Product(left, weighted, right);
        }
    }

    /// <summary>L M R, leaving out identity factors (the reduction is then a plain product).</summary>
    private static Expr Product(Expr l, Expr m, Expr r)
    {
        var e = l is Identity ? m : new MatMul(l, m);
        return r is Identity ? e : new MatMul(e, r);
    }
}
