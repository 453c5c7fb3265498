using NotebookCalc.Semantics;
using NotebookCalc.Differentiation;
using NotebookCalc.Expressions;
using NotebookCalc.Numerics;
using NotebookCalc.Rewriting;

namespace NotebookCalc.Rewriting;

/// <summary>
/// A named rule of the derivation, with its statement in LaTeX. <see cref="Example"/> is a function whose derivation
/// uses the rule; the test suite derives it and checks the gradient numerically, so every rule is tested.
/// </summary>
public sealed record Rule(string Name, string Latex, string Example, string Wrt, string Where, string? Assumption = null)
{
    /// <summary>
    /// The side condition as code. A derivation rule's assumption holds wherever the function is defined (a singular
    /// instance is rejected when evaluated); a simplification rule's condition is tested on the matched expression
    /// before it fires (<see cref="Rewrite.TryApply"/>).
    /// </summary>
    public Condition Condition { get; init; } = Assumption is null ? Condition.None : Condition.Domain(Assumption);

    /// <summary>"gradient", or "hessian" for a rule of the Hessian derivation (its example is then derived as a Hessian).</summary>
    public string Derivative { get; init; } = "gradient";
}

/// <summary>The one catalogue of rules used by the derivations and the simplifier.</summary>
public static class Rules
{
    private static readonly Dictionary<string, Rule> ByName = new(StringComparer.Ordinal);

    private static Rule R(string name, string latex, string example, string wrt, string where, string? assumption = null, Condition? condition = null)
    {
        var r = new Rule(name, latex, example, wrt, where, assumption);
        if (condition is not null) r = r with { Condition = condition };
        ByName.Add(name, r);
        return r;
    }

    private const string Mats = "X: n x m; A: p x n; B: m x p; C: n x m; D: p x m; S: n x n spd; Y: n x n invertible; x: n; a: n; b: m; s: scalar; P: n x m positive";

    // ── differentials ──
    public static readonly Rule DConst = R("d_const", @"dC = 0 \text{ for } C \text{ not depending on the variable}", "tr(A X B) + tr(S)", "X", Mats);
    public static readonly Rule DSum = R("d_sum", @"d(A + B) = dA + dB", "tr(X' C) + tr(C' X)", "X", Mats);
    public static readonly Rule DNeg = R("d_neg", @"d(-A) = -dA", "-tr(X' C)", "X", Mats);
    public static readonly Rule DProduct = R("d_product", @"d(AB) = dA\,B + A\,dB", "tr(X' X)", "X", Mats);
    public static readonly Rule DScale = R("d_scale", @"d(cA) = dc\,A + c\,dA", "s tr(X' C) + tr(X' C) tr(X' X)", "X", Mats);
    public static readonly Rule DQuotient = R("d_quotient", @"d\left(\frac{A}{c}\right) = \frac{dA}{c} - \frac{A\,dc}{c^2}", "(a' Y a) / (a' a)", "a", Mats);
    public static readonly Rule DTranspose = R("d_transpose", @"d(A^\top) = (dA)^\top", "tr(C X')", "X", Mats);
    public static readonly Rule DInverse = R("d_inv", @"d(A^{-1}) = -A^{-1}\,dA\,A^{-1}", "a' inv(Y) a", "Y", Mats, "A invertible");
    public static readonly Rule DPower = R("d_power", @"d(A^k) = \sum_{i=0}^{k-1} A^i\,dA\,A^{k-1-i},\quad d(s^p) = p\,s^{p-1}\,ds", "tr(Y^3) + (a' a)^3", "Y", Mats);
    public static readonly Rule DHadamard = R("d_hadamard", @"d(A \odot B) = dA \odot B + A \odot dB", "sum(X .* X .* C)", "X", Mats);
    public static readonly Rule DHadamardDiv = R("d_hadamard_div", @"d(A \oslash B) = dA \oslash B - (A \odot dB) \oslash (B \odot B)", "sum(C ./ P)", "P", Mats);
    public static readonly Rule DHadamardPower = R("d_hadamard_power", @"d(A^{\circ p}) = p\,A^{\circ (p-1)} \odot dA", "sum(P .^ 3)", "P", Mats);
    public static readonly Rule DFrobenius = R("d_frobenius", @"d(A : B) = dA : B + A : dB", "X : (X .* C)", "X", Mats);
    public static readonly Rule DKron = R("d_kron", @"d(A \otimes B) = dA \otimes B + A \otimes dB", "tr(kron(Y, S))", "Y", Mats);
    public static readonly Rule DTrace = R("d_trace", @"d\operatorname{tr}(A) = \operatorname{tr}(dA)", "tr(A X B)", "X", Mats);
    public static readonly Rule DDet = R("d_det", @"d\det(A) = \det(A)\operatorname{tr}(A^{-1}\,dA)", "det(Y)", "Y", Mats, "A invertible");
    public static readonly Rule DLogDet = R("d_logdet", @"d\ln\det(A) = \operatorname{tr}(A^{-1}\,dA)", "logdet(S)", "S", Mats, "det A > 0");
    public static readonly Rule DElementwise = R("d_elementwise", @"d f(A) = f'(A) \odot dA \text{ (entrywise } f\text{)}", "sum(exp(P) + log(P) + sqrt(P) + tanh(P) + sigmoid(P) + sin(P) + cos(P) + abs(P) + sign(P))", "P", Mats);
    public static readonly Rule DSumEntries = R("d_sum_entries", @"d\operatorname{sum}(A) = \operatorname{sum}(dA)", "sum(A X)", "X", Mats);
    public static readonly Rule DDiag = R("d_diag", @"d\operatorname{diag}(A) = \operatorname{diag}(dA)", "a' diag(diag(X X')) a + sum(diag(a) X)", "X", Mats);
    public static readonly Rule DVec = R("d_vec", @"d\operatorname{vec}(A) = \operatorname{vec}(dA)", "vec(X)' vec(C)", "X", Mats);
    public static readonly Rule DNorm = R("d_norm", @"d\lVert A\rVert_F = \frac{A : dA}{\lVert A\rVert_F}", "norm(X)", "X", Mats, "A ≠ 0");
    public static readonly Rule DNormSquared = R("d_norm_sq", @"d\lVert A\rVert_F^2 = 2A : dA", "norm(A X - D)^2", "X", Mats);
    public static readonly Rule DNorm1 = R("d_norm1", @"d\lVert A\rVert_1 = \operatorname{sign}(A) : dA", "norm1(X)", "X", Mats, "no entry of A is 0");
    public static readonly Rule DSoftmax = R("d_softmax", @"dS = S \odot \left(dX - \mathbf{1}\mathbf{1}^\top (S \odot dX)\right),\ S = \operatorname{softmax}(X) \text{ (columns)}", "sum(C .* softmax(X)) + sum(C .* softmax_rows(X))", "X", Mats);
    public static readonly Rule DBroadcast = R("d_broadcast", @"d(c\mathbf{1}) = dc\,\mathbf{1}", "sum(X - tr(X' C))", "X", Mats);
    public static readonly Rule DOpaque = R("d_opaque", @"dF(w) = \Gamma : dw,\quad \Gamma_{ijkl} = \frac{\partial F_{ij}}{\partial w_{kl}}", "norm(F(w))^2", "w", "F: n x l function of w; w: d x n");

    // ── Frobenius-product identities ──
    public static readonly Rule TraceAsFrobenius = R("trace_as_frobenius", @"\operatorname{tr}(A) = I : A", "tr(A X B)", "X", Mats);
    public static readonly Rule SumAsFrobenius = R("sum_as_frobenius", @"\operatorname{sum}(A) = \mathbf{1} : A", "sum(A X)", "X", Mats);
    public static readonly Rule FrobeniusMulLeft = R("frobenius_mul_left", @"C : AB = A^\top C : B", "tr(A X B)", "X", Mats);
    public static readonly Rule FrobeniusMulRight = R("frobenius_mul_right", @"C : AB = C B^\top : A", "tr(A X B)", "X", Mats);
    public static readonly Rule FrobeniusTranspose = R("frobenius_transpose", @"C : A^\top = C^\top : A", "tr(C X')", "X", Mats);
    public static readonly Rule FrobeniusHadamard = R("frobenius_hadamard", @"C : (A \odot B) = (C \odot A) : B", "sum(X .* C)", "X", Mats);
    public static readonly Rule FrobeniusHadamardDiv = R("frobenius_hadamard_div", @"C : (A \oslash B) = (C \oslash B) : A", "sum(X ./ P)", "X", Mats);
    public static readonly Rule FrobeniusScalar = R("frobenius_scalar", @"C : (c\,A) = c\,C : A = (C : A) : c", "s tr(X' C) + tr(X' C) tr(X' X)", "X", Mats);
    public static readonly Rule FrobeniusBroadcast = R("frobenius_broadcast", @"C : (c\mathbf{1}) = \operatorname{sum}(C)\,c", "sum(X - tr(X' C))", "X", Mats);
    public static readonly Rule FrobeniusSymmetry = R("frobenius_symmetry", @"A : B = B : A", "C : X", "X", Mats);
    public static readonly Rule FrobeniusDiag = R("frobenius_diag", @"C : \operatorname{diag}(a) = \operatorname{diag}(C) : a,\quad c : \operatorname{diag}(A) = \operatorname{diag}(c) : A", "a' diag(diag(X X')) a + sum(diag(a) X)", "X", Mats);
    public static readonly Rule FrobeniusVec = R("frobenius_vec", @"c : \operatorname{vec}(A) = \operatorname{vec}^{-1}(c) : A", "vec(X)' vec(C)", "X", Mats);
    public static readonly Rule FrobeniusKron = R("frobenius_kron", @"C : (dA \otimes B) = \left[\textstyle\sum_{kl} C_{(i,k),(j,l)} B_{kl}\right]_{ij} : dA", "tr(kron(Y, S)) + sum(kron(S, Y) .* kron(S, S))", "Y", Mats);
    public static readonly Rule FrobeniusJacobian = R("frobenius_jacobian", @"C : (\Gamma : dW) = (C : \Gamma) : dW", "norm(F(w))^2", "w", "F: n x l function of w; w: d x n");
    public static readonly Rule FrobeniusCollect = R("frobenius_collect", @"G_1 : dX + G_2 : dX = (G_1 + G_2) : dX", "tr(X' C) + tr(C' X)", "X", Mats);
    public static readonly Rule IdentifyGradient = R("identify_gradient", @"df = G : dX \iff \frac{\partial f}{\partial X} = G", "tr(X' C)", "X", Mats);

    // ── the Gâteaux (directional) derivative ──
    private const string G = "X: n x m; A: p x n; B: m x p; C: n x m; S: n x n spd; Y: n x n invertible; a: n; s: scalar; P: n x m positive";
    public static readonly Rule GateauxSubstitute = R("gateaux_substitute", @"f(X) \mapsto f(X + \varepsilon H)", "tr(A X B)", "X", G);
    public static readonly Rule GateauxExpand = R("gateaux_expand", @"(A + \varepsilon B)(C + \varepsilon D) = AC + \varepsilon (AD + BC) + O(\varepsilon^2) \text{ (sums, products, transposes, traces; terms of order } \varepsilon^2 \text{ are dropped as they arise)}", "tr(X' X)", "X", G);
    public static readonly Rule GateauxInverse = R("gateaux_inverse", @"(Y + \varepsilon H)^{-1} = Y^{-1} - \varepsilon Y^{-1} H Y^{-1} + O(\varepsilon^2)", "a' inv(Y) a", "Y", G, "Y invertible");
    public static readonly Rule GateauxDet = R("gateaux_det", @"\det(Y + \varepsilon H) = \det(Y)\left(1 + \varepsilon \operatorname{tr}(Y^{-1} H)\right) + O(\varepsilon^2)", "det(Y)", "Y", G, "Y invertible");
    public static readonly Rule GateauxLogDet = R("gateaux_logdet", @"\ln\det(S + \varepsilon H) = \ln\det S + \varepsilon \operatorname{tr}(S^{-1} H) + O(\varepsilon^2)", "logdet(S)", "S", G, "det S > 0");
    public static readonly Rule GateauxElementwise = R("gateaux_elementwise", @"f(A + \varepsilon B) = f(A) + \varepsilon f'(A) \odot B + O(\varepsilon^2)", "sum(exp(P) + log(P))", "P", G);
    public static readonly Rule GateauxDivision = R("gateaux_division", @"\frac{a + \varepsilon b}{c + \varepsilon d} = \frac{a}{c} + \varepsilon \frac{b c - a d}{c^2} + O(\varepsilon^2)", "(a' Y a) / (a' a)", "a", G);
    public static readonly Rule GateauxPower = R("gateaux_power", @"(s + \varepsilon t)^p = s^p + \varepsilon p s^{p-1} t + O(\varepsilon^2)", "(a' a)^0.5", "a", G);
    public static readonly Rule GateauxNorm = R("gateaux_norm", @"\lVert A + \varepsilon B\rVert_F = \lVert A\rVert_F + \varepsilon \frac{A : B}{\lVert A\rVert_F} + O(\varepsilon^2)", "norm(X) + norm1(P)", "X", G);
    public static readonly Rule GateauxSoftmax = R("gateaux_softmax", @"\operatorname{softmax}(A + \varepsilon B) = S + \varepsilon S \odot (B - \mathbf{1}\mathbf{1}^\top (S \odot B)) + O(\varepsilon^2)", "sum(C .* softmax(X))", "X", G);
    public static readonly Rule GateauxOpaque = R("gateaux_opaque", @"F(w + \varepsilon H) = F(w) + \varepsilon\, \Gamma : H + O(\varepsilon^2)", "norm(F(w))^2", "w", "F: n x l function of w; w: d x n");
    public static readonly Rule GateauxDifferenceQuotient = R("gateaux_difference_quotient", @"\frac{f(X + \varepsilon H) - f(X)}{\varepsilon}", "tr(X' X)", "X", G);
    public static readonly Rule GateauxLimit = R("gateaux_limit", @"Df(X)[H] = \lim_{\varepsilon \to 0} \frac{f(X + \varepsilon H) - f(X)}{\varepsilon}", "tr(X' X)", "X", G);
    public static readonly Rule TraceCyclic = R("trace_cyclic", @"\operatorname{tr}(AB) = \operatorname{tr}(BA)", "tr(A X B)", "X", G);
    public static readonly Rule TraceTranspose = R("trace_transpose", @"\operatorname{tr}(A^\top) = \operatorname{tr}(A)", "tr(C X')", "X", G);
    public static readonly Rule GateauxBasis = R("gateaux_basis", @"H = E_{ij}:\ \frac{\partial f}{\partial X_{ij}} = Df(X)[E_{ij}] = \operatorname{tr}(G^\top E_{ij}) = G_{ij}", "tr(X' X)", "X", G);

    // ── index notation ──
    public static readonly Rule IndexWrite = R("index_write", @"(AB)_{ij} = \textstyle\sum_k A_{ik} B_{kj},\ (A^\top)_{ij} = A_{ji},\ (A \odot B)_{ij} = A_{ij} B_{ij},\ \operatorname{tr}(A) = \textstyle\sum_i A_{ii}", "tr(A X B)", "X", G);
    public static readonly Rule IndexProduct = R("index_product", @"\partial (u v) = (\partial u)\, v + u\, \partial v \text{ (entries are scalars)}", "tr(X' X)", "X", G);
    public static readonly Rule IndexDelta = R("index_delta", @"\frac{\partial X_{ij}}{\partial X_{ab}} = \delta_{ia} \delta_{jb}", "tr(X' C)", "X", G);
    public static readonly Rule IndexInverse = R("index_inverse", @"\frac{\partial (Y^{-1})_{ij}}{\partial Y_{ab}} = -(Y^{-1})_{ia} (Y^{-1})_{bj}", "a' inv(Y) a", "Y", G, "Y invertible");
    public static readonly Rule IndexDet = R("index_det", @"\frac{\partial \det Y}{\partial Y_{ab}} = \det(Y)\, (Y^{-1})_{ba},\quad \frac{\partial \ln\det Y}{\partial Y_{ab}} = (Y^{-1})_{ba}", "det(Y) + logdet(S)", "Y", G, "Y invertible");
    public static readonly Rule IndexElementwise = R("index_elementwise", @"\frac{\partial f(A)_{ij}}{\partial X_{ab}} = f'(A_{ij}) \frac{\partial A_{ij}}{\partial X_{ab}}", "sum(exp(P) + log(P))", "P", G);
    public static readonly Rule IndexNorm = R("index_norm", @"\frac{\partial \lVert A\rVert_F}{\partial X_{ab}} = \frac{1}{\lVert A\rVert_F} \textstyle\sum_{ij} A_{ij} \frac{\partial A_{ij}}{\partial X_{ab}}", "norm(X) + norm1(X)", "X", G);
    public static readonly Rule IndexSoftmax = R("index_softmax", @"\frac{\partial S_{ij}}{\partial Z_{kj}} = S_{ij} (\delta_{ik} - S_{kj}),\ S = \operatorname{softmax}(Z)", "sum(C .* softmax(X))", "X", G);
    public static readonly Rule IndexContract = R("index_contract", @"\textstyle\sum_i \delta_{ia} u_i = u_a", "tr(X' X)", "X", G);
    public static readonly Rule IndexToMatrix = R("index_to_matrix", @"\textstyle\sum_k A_{ak} B_{kb} = (AB)_{ab},\ A_{ba} = (A^\top)_{ab},\ A_{ab} B_{ab} = (A \odot B)_{ab},\ \delta_{ab} = I_{ab}", "tr(X' X)", "X", G);

    // ── simplification ──
    public static readonly Rule TransposeProduct = R("transpose_product", @"(AB)^\top = B^\top A^\top,\ (A^\top)^\top = A,\ (A + B)^\top = A^\top + B^\top", "tr(C' A' A X)", "X", Mats);
    public static readonly Rule TransposeInverse = R("transpose_inverse", @"(A^{-1})^\top = (A^\top)^{-1}", "a' inv(Y S) a", "Y", Mats);
    public static readonly Rule TransposeKron = R("transpose_kron", @"(A \otimes B)^\top = A^\top \otimes B^\top", "vec(C)' kron(B', A) vec(X)", "X", "A: p x n; X: n x m; B: m x q; C: p x q");
    public static readonly Rule VecKron = R("vec_kron", @"(P \otimes Q)\operatorname{vec}(M) = \operatorname{vec}(Q M P^\top),\ \operatorname{vec}^{-1}(\operatorname{vec} M) = M", "vec(C)' kron(B', A) vec(X)", "X", "A: p x n; X: n x m; B: m x q; C: p x q");
    public static readonly Rule Symmetric = R("symmetric", @"S^\top = S \text{ for symmetric } S", "a' inv(S) a", "a", Mats, "S symmetric (declared or of the form A A^\\top)",
        new("S is declared symmetric (symmetric, spd, diagonal), or transposing S structurally gives S back (A Aᵀ, A + Aᵀ, …)",
            e => e is Transpose t && Facts.Symmetric(t.A)));
    public static readonly Rule IndicatorPower = R("indicator_idempotent", @"W \odot W = W \text{ for } W \in \{0,1\}^{n\times m}", "norm(W .* (C - X))^2", "X", "W: n x m indicator; C: n x m; X: n x m", "W indicator",
        new("W is declared indicator (entries 0 or 1) and the exponent is a positive integer",
            e => e is HadamardPower { Exponent: var k } hp && (hp.A is Transpose t ? t.A : hp.A) is Symbol { Props: var p }
                 && p.HasFlag(SymbolProps.Indicator) && k >= 1 && Facts.IsInteger(k)));
    public static readonly Rule PowerOfPower = R("power_of_power", @"(a^p)^q = a^{pq}", "((a' a)^2)^3", "a", Mats, "q an integer, or a ≥ 0",
        new("q is an integer, or a is provably ≥ 0 (declared positive, a norm, exp, an even power, …)",
            e => e is Power { A: Power inner } outer && (Facts.IsInteger(outer.Exponent) || Facts.NonNegative(inner.A) || (!inner.IsScalar && Facts.IsInteger(inner.Exponent)))));
    public static readonly Rule PowerOfEvenPower = R("power_of_even_power", @"(a^{2k})^q = |a|^{2kq}", "((a' b)^2)^0.5 + ((a' b)^4)^0.25", "a", "a: n; b: n", "2k an even integer",
        new("the inner exponent is an even integer and a is a scalar (so a^{2k} = |a|^{2k} ≥ 0)",
            e => e is Power { A: Power { A.IsScalar: true } inner } && Facts.IsEvenInteger(inner.Exponent)));
    public static readonly Rule ProductPower = R("product_power", @"(ab)^p = a^p\,b^p", "(s tr(X' C))^3 + (s / tr(X' C))^2", "X", Mats, "p an integer, or a, b ≥ 0",
        new("p is an integer, or every factor of the product is provably ≥ 0",
            e => e is Power { IsScalar: true } p && (Facts.IsInteger(p.Exponent) || Facts.NonNegative(p.A))));
    public static readonly Rule HadamardPowerOfPower = R("hadamard_power_of_power", @"(A^{\circ p})^{\circ q} = A^{\circ pq},\ (A \odot B)^{\circ q} = A^{\circ q} \odot B^{\circ q}", "sum((P .^ 2) .^ 3) + sum((P .* P) .^ 0.5)", "P", Mats, "q an integer, or A, B ≥ 0",
        new("q is an integer, or every entry of the base is provably ≥ 0",
            e => e is HadamardPower hp && (Facts.IsInteger(hp.Exponent) || hp.A switch
            {
                HadamardPower inner => Facts.NonNegative(inner.A),
                Hadamard h => Facts.NonNegative(h.L) && Facts.NonNegative(h.R),
                HadamardDiv h => Facts.NonNegative(h.L) && Facts.NonNegative(h.R),
                var other => Facts.NonNegative(other),
            })));
    public static readonly Rule InverseInverse = R("inverse_inverse", @"(A^{-1})^{-1} = A", "a' inv(inv(Y)) a", "Y", Mats, "A invertible");
    public static readonly Rule PowerCollect = R("power_collect", @"A^p A^q = A^{p+q},\ (A^\top)^p = (A^p)^\top,\ A^{-p} = (A^p)^{-1}", "tr(Y Y Y) + logdet(Y^2 S)", "Y", Mats,
        "A invertible where a negative power occurs");
    public static readonly Rule LogisticSigmoid = R("logistic_sigmoid",
        @"\exp(U)^{\circ k} \oslash (\mathbf{1} + \exp(U))^{\circ k} = \sigma(U)^{\circ k} \text{ where } \sigma(u) = \frac{1}{1 + e^{-u}} \text{ (entrywise)}",
        "sum(log(1 + exp(X' a)))", "X", Mats, "the exponent in the numerator is the one in the denominator, the constant added to it is 1, and the powers are equal",
        new("the exponent U in the numerator is the one in the denominator, the constant added to exp(U) is exactly 1, and numerator and denominator have the same power k",
            e => LogisticFacts.IsSigmoidQuotient(e)));
    public static readonly Rule HadamardCollect = R("hadamard_collect", @"A^{\circ p} \odot A^{\circ q} = A^{\circ (p+q)},\ A \odot B = B \odot A", "sum(X .* X .* X .* C)", "X", Mats);
    public static readonly Rule Distribute = R("distribute", @"A(B + C) = AB + AC,\ (A + B)C = AC + BC", "tr((X + C)' A' A (X + C))", "X", Mats);
    public static readonly Rule CombineLikeTerms = R("combine_like_terms", @"aM + bM = (a + b)M", "tr(X' X)", "X", Mats);
    public static readonly Rule FactorCommon = R("factor_common", @"AB + AC = A(B + C),\ BA + CA = (B + C)A", "s tr(X' X) + tr(X' S X)", "X", Mats);

    // ── structured variables ──
    public static readonly Rule SymmetricGradient = R("symmetric_gradient",
        @"X = X^\top:\ df = G : dX = \operatorname{sym}(G) : dX,\quad \nabla f = \operatorname{sym}(G) = \tfrac12 (G + G^\top)",
        "tr(A X) + a' X a", "X", "A: n x n; X: n x n symmetric; a: n", "X declared symmetric",
        new("the variable is declared symmetric (symmetric or spd), so every direction dX is symmetric",
            e => e is Symbol { Props: var p } && p.HasFlag(SymbolProps.Symmetric) && !p.HasFlag(SymbolProps.Diagonal)));
    public static readonly Rule DiagonalGradient = R("diagonal_gradient",
        @"X \text{ diagonal}:\ df = G : dX = (G \odot I) : dX,\quad \nabla f = \operatorname{diag}(\operatorname{diag} G)",
        "tr(A X)", "X", "A: n x n; X: n x n diagonal", "X declared diagonal",
        new("the variable is declared diagonal, so every direction dX is diagonal",
            e => e is Symbol { Props: var p } && p.HasFlag(SymbolProps.Diagonal)));

    // ── matrix powers, kept as one summation term ──
    public static readonly Rule FrobeniusPowerSum = R("frobenius_power_sum", @"C : \sum_{i=0}^{k-1} A^i\,dX\,A^{k-1-i} = \left(\sum_{i=0}^{k-1} (A^\top)^i\,C\,(A^\top)^{k-1-i}\right) : dX", "tr(S Y^5)", "Y", Mats);
    public static readonly Rule PowerSumCommuting = R("power_sum_commuting", @"\sum_{i=0}^{k-1} B^i\,C\,B^{k-1-i} = k\,C\,B^{k-1}", "tr(Y^5) + logdet(Y^6)", "Y", Mats,
        "CB = BC: C is built from B, I and scalars (B^p C = C B^p for every integer p)");
    public static readonly Rule IndexPower = R("index_power", @"\frac{\partial (A^k)_{rc}}{\partial X_{ab}} = \sum_{t=0}^{k-1} \textstyle\sum_{pq} (A^t)_{rp} \frac{\partial A_{pq}}{\partial X_{ab}} (A^{k-1-t})_{qc}", "tr(Y^5) + tr(S Y^6)", "Y", G);
    public static readonly Rule GateauxMatrixPower = R("gateaux_matrix_power", @"(A + \varepsilon B)^k = A^k + \varepsilon \textstyle\sum_{i=0}^{k-1} A^i B A^{k-1-i} + O(\varepsilon^2)", "tr(Y^5)", "Y", G);

    // ── second order: the Hessian as the derivative of the gradient, and its vec (Kronecker) matrix ──
    private static Rule Second(string name, string latex, string example, string wrt, string where) =>
        ByName[name] = new Rule(name, latex, example, wrt, where) { Derivative = "hessian" };

    public static readonly Rule HessianDifferential = Second("hessian_differential",
        @"d(\nabla f) = \nabla^2 f[dX] \iff \nabla^2 f[H] = d(\nabla f)\big|_{dX = H}", "tr(X' Y X)", "X", Mats);
    public static readonly Rule GateauxHessian = Second("gateaux_hessian",
        @"\nabla^2 f(X)[H] = \lim_{\varepsilon \to 0} \frac{\nabla f(X + \varepsilon H) - \nabla f(X)}{\varepsilon}", "tr(X' Y X)", "X", Mats);
    public static readonly Rule VecProduct = Second("vec_product",
        @"\operatorname{vec}(A M B) = (B^\top \otimes A) \operatorname{vec}(M)", "tr(X' Y X)", "X", Mats);
    public static readonly Rule VecTranspose = Second("vec_transpose",
        @"\operatorname{vec}(M^\top) = K_{m,n} \operatorname{vec}(M) \text{ for } M \in \mathbb{R}^{m \times n} \text{ (commutation matrix)}", "tr(Y Y)", "Y", Mats);
    public static readonly Rule VecHadamard = Second("vec_hadamard",
        @"\operatorname{vec}(C \odot M) = \operatorname{diag}(\operatorname{vec} C) \operatorname{vec}(M)", "sum(exp(P))", "P", Mats);
    public static readonly Rule VecScalar = Second("vec_scalar",
        @"\operatorname{vec}\big((G : M)\,B\big) = \operatorname{vec}(B) \operatorname{vec}(G)^\top \operatorname{vec}(M)", "tr(X' C)^2", "X", Mats);
    public static readonly Rule Regroup = Second("regroup",
        @"A(BC) = (AB)C,\ A \odot B = B \odot A,\ c\,(d\,M) = (cd)\,M", "norm(A X - D)^2", "X", Mats);
    public static readonly Rule IdentifyVecHessian = Second("identify_vec_hessian",
        @"\operatorname{vec}(\nabla^2 f[H]) = \mathcal{H} \operatorname{vec}(H) \iff \frac{\partial^2 f}{\partial \operatorname{vec} X\, \partial (\operatorname{vec} X)^\top} = \mathcal{H}", "tr(X' Y X)", "X", Mats);

    // ── Jacobians of matrix-valued functions ──
    public static readonly Rule IdentifyJacobian = ByName["identify_jacobian"] = new Rule("identify_jacobian",
        @"dF = L(dX) \iff DF(X)[H] = L(H)", "A X B", "X", Mats) { Derivative = "jacobian" };

    // ── index notation for Jacobians and Hessians: ∂F_ij/∂X_ab, applied to H and read as the vec matrix ──
    public static readonly Rule IndexDirection = ByName["index_direction"] = new Rule("index_direction",
        @"DF(X)[H]_{ij} = \textstyle\sum_{ab} \frac{\partial F_{ij}}{\partial X_{ab}} H_{ab}", "A X B", "X", Mats) { Derivative = "jacobian" };
    public static readonly Rule IndexVec = ByName["index_vec"] = new Rule("index_vec",
        @"\left[\frac{\partial \operatorname{vec} F}{\partial (\operatorname{vec} X)^\top}\right]_{i + p(j-1),\; a + n(b-1)} = \frac{\partial F_{ij}}{\partial X_{ab}} \text{ for } F \in \mathbb{R}^{p \times q},\ X \in \mathbb{R}^{n \times m} \text{ (column-major vec, numerator layout)}",
        "A X B", "X", Mats) { Derivative = "jacobian" };

    public static IReadOnlyCollection<Rule> All => ByName.Values;

    public static Rule Get(string name) => ByName[name];

    public static bool Exists(string name) => ByName.ContainsKey(name);
}
