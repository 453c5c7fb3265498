namespace NotebookCalc.Text;

/// <summary>One diagnostic code: what it means wherever it is reported. The message of each report says the specifics.</summary>
/// <param name="Id">The stable code (MC0xxx syntax, MC1xxx declarations and shapes, MC2xxx differentiation, MC3xxx numerics,
/// MC4xxx notebook directives, MC5xxx command-line files and grading, MC9999 internal error).</param>
/// <param name="Title">A short name, as a heading in docs/LANGUAGE.md.</param>
/// <param name="Meaning">What makes the code appear, in one sentence.</param>
public sealed record DiagnosticDescriptor(string Id, Severity Severity, string Title, string Meaning)
{
    /// <summary>A report of this code at <paramref name="span"/>.</summary>
    public Diagnostic At(TextSpan span, string message, string? hint = null) => new(Id, Severity, span, message, hint);
}

/// <summary>
/// The one catalogue of diagnostic codes. Every diagnostic NotebookCalc reports has its code here, each code means one
/// thing, and <see cref="Diagnostic.Error(string, TextSpan, string, string?)"/> refuses a code that is not catalogued.
/// A test checks that the codes are unique, that every code written in the sources is catalogued, and that
/// docs/LANGUAGE.md lists them all.
/// </summary>
public static class DiagnosticCatalog
{
    private static readonly List<DiagnosticDescriptor> Entries = [];

    private static DiagnosticDescriptor E(string id, string title, string meaning) => Add(new(id, Severity.Error, title, meaning));

    private static DiagnosticDescriptor Add(DiagnosticDescriptor d)
    {
        Entries.Add(d);
        return d;
    }

    // ── MC0xxx: reading the expression ──
    public static readonly DiagnosticDescriptor EmptyExpression = E("MC0001", "Empty expression", "The expression has no text.");
    public static readonly DiagnosticDescriptor UnexpectedCharacter = E("MC0002", "Unexpected character", "A character that is not part of the matcalc language.");
    public static readonly DiagnosticDescriptor NumberTooLarge = E("MC0003", "Number too large", "A number literal overflows a double.");
    public static readonly DiagnosticDescriptor UnknownLatexCommand = E("MC0004", "Unknown LaTeX command", "A \\command that matcalc does not read.");
    public static readonly DiagnosticDescriptor SyntaxError = E("MC0005", "Syntax error", "A token where the grammar does not allow it (a missing operand, a stray operator, a bad exponent or norm subscript).");
    public static readonly DiagnosticDescriptor UnclosedBracket = E("MC0006", "Bracket not closed", "An opening bracket, norm bar or \\frac brace without its closing partner.");
    public static readonly DiagnosticDescriptor AmbiguousArgument = E("MC0007", "Ambiguous argument", "A function written without brackets whose operand is followed by another juxtaposed operand (`tr A B`, `exp a' x`).");
    public static readonly DiagnosticDescriptor TooDeep = E("MC0009", "Nested too deeply", "The expression is nested more than 256 levels deep.");
    public static readonly DiagnosticDescriptor TooLong = E("MC0010", "Expression too long", "The expression is longer than 20,000 characters.");

    // ── MC1xxx: declarations, names and shapes ──
    public static readonly DiagnosticDescriptor BadDeclaration = E("MC1001", "Malformed declaration", "A declaration that does not read as `W: n x m`, `y: n`, `s: scalar` or `F: n x l function of w`, or names an unknown property.");
    public static readonly DiagnosticDescriptor BadProperties = E("MC1002", "Impossible properties", "Declared properties that the shape or each other rule out (symmetric but not square; indicator and positive).");
    public static readonly DiagnosticDescriptor Redeclared = E("MC1003", "Declared twice", "One symbol declared twice with different meanings in one set of declarations.");
    public static readonly DiagnosticDescriptor BadDimension = E("MC1004", "Not a dimension", "A declared dimension that is neither a name nor a positive integer up to 100000.");
    public static readonly DiagnosticDescriptor MatMulMismatch = E("MC1005", "Cannot multiply", "A matrix product whose inner dimensions differ.");
    public static readonly DiagnosticDescriptor ShapeMismatch = E("MC1006", "Shapes differ", "Operands of + - .* ./ : (or an opaque function's argument) whose shapes differ.");
    public static readonly DiagnosticDescriptor NotSquare = E("MC1007", "Not square", "trace, determinant, inverse or a matrix power of a non-square matrix.");
    public static readonly DiagnosticDescriptor MatrixDenominator = E("MC1008", "Matrix denominator", "Division by a matrix-valued expression.");
    public static readonly DiagnosticDescriptor DeclarationsTooLong = E("MC1009", "Declarations too long", "The declarations are longer than 20,000 characters.");
    public static readonly DiagnosticDescriptor ZeroExponent = E("MC1010", "Zero exponent", "A^0 is not supported.");
    public static readonly DiagnosticDescriptor FractionalMatrixPower = E("MC1011", "Non-integer matrix power", "A non-integer power of a matrix (only scalars have them).");
    public static readonly DiagnosticDescriptor FunctionWithoutArgument = E("MC1012", "Function without its argument", "A declared opaque function used without its argument.");
    public static readonly DiagnosticDescriptor UnknownFunction = E("MC1013", "Unknown function", "A name followed by a bracket that is neither a built-in function nor a declared symbol or function (`relu(X)`); never read as a product.");
    public static readonly DiagnosticDescriptor BadArguments = E("MC1014", "Wrong arguments", "A built-in function given the wrong number of arguments, or a size argument that is not a dimension.");
    public static readonly DiagnosticDescriptor ShapeUndetermined = E("MC1015", "Shape undetermined", "The expression does not determine the shape of a symbol, an identity or a subexpression.");
    public static readonly DiagnosticDescriptor SpectralNorm = E("MC1016", "Spectral norm", "‖A‖₂ of a matrix (the spectral norm) is not supported.");
    public static readonly DiagnosticDescriptor Misspelt = E("MC1017", "Misspelt name", "An undeclared name one slip away from a declared name the expression does not use.");
    public static readonly DiagnosticDescriptor ReservedName = E("MC1018", "Reserved name", "A declaration of a name that is reserved (I, a built-in function, `scalar`, `function`, `of`).");
    public static readonly DiagnosticDescriptor DeclaredTransposeMark = E("MC1019", "Declared name as exponent", "`A^T` (or `^top`) where T is a declared symbol: not read as a transpose, and a symbol cannot be an exponent.");
    public static readonly DiagnosticDescriptor SizeTooLarge = E("MC1020", "Size too large", "A Kronecker product or vec whose constant size exceeds 10^9 (nested Kronecker products multiply sizes).");
    public static readonly DiagnosticDescriptor Inferred = Add(new("MC1100", Severity.Info, "Shape inferred", "An undeclared symbol taken to be a scalar or a column vector (a note, not an error)."));

    // ── MC2xxx: differentiation ──
    public static readonly DiagnosticDescriptor NotScalar = E("MC2001", "Not a scalar", "A gradient (or a scalar value) asked of an expression that is not scalar.");
    public static readonly DiagnosticDescriptor VariableNotInFunction = E("MC2002", "Variable not in the function", "The --wrt variable does not appear in the function.");
    public static readonly DiagnosticDescriptor NoMethod = E("MC2003", "No method applies", "None of the three methods can differentiate a construct of the function.");
    public static readonly DiagnosticDescriptor UnknownMethod = E("MC2004", "Unknown method", "--method names no method (all, differential, gateaux, index).");
    public static readonly DiagnosticDescriptor OverBudget = E("MC2005", "Over budget", "No method gives a result and at least one exceeds its budget (nodes per step, index entries, printed size or time) for this function.");

    // ── MC3xxx: numbers ──
    public static readonly DiagnosticDescriptor MissingValue = E("MC3001", "Missing value", "A symbol, or a dimension, has no concrete value at evaluation.");
    public static readonly DiagnosticDescriptor Singular = E("MC3002", "Singular", "A matrix to invert, or whose log-determinant is taken, is singular (or det ≤ 0) at the instance.");
    public static readonly DiagnosticDescriptor DivisionByZero = E("MC3003", "Division by zero", "A scalar or entrywise division by zero at the instance.");
    public static readonly DiagnosticDescriptor OutOfDomain = E("MC3004", "Out of domain", "log, sqrt or a fractional power of a negative number at the instance.");
    public static readonly DiagnosticDescriptor OpaqueValue = E("MC3005", "Opaque function has no value", "An opaque declared function (or its Jacobian) evaluated numerically.");
    public static readonly DiagnosticDescriptor ValueShape = E("MC3006", "Value of the wrong shape", "A given value whose shape contradicts the declaration or the other values.");
    public static readonly DiagnosticDescriptor ValuesUnreadable = E("MC3007", "Values file unreadable", "The VALUES.json file cannot be read.");
    public static readonly DiagnosticDescriptor NotFinite = E("MC3008", "Not finite", "The value of the expression overflows, underflows a power to 0, or is undefined at the values given.");
    public static readonly DiagnosticDescriptor BadDims = E("MC3009", "Bad --dims", "A --dims entry that is not name=size with a size from 1 to 2000, or names a dimension the function does not have.");
    public static readonly DiagnosticDescriptor GradientFailsCheck = E("MC3010", "Derived gradient fails its check", "The derived gradient disagrees with finite differences on an instance, so no verdict is given (a bug in NotebookCalc).");
    public static readonly DiagnosticDescriptor IllConditioned = E("MC3011", "Too ill-conditioned to judge", "Every instance that could be evaluated was too ill-conditioned to tell a claim equal from different, or only one size assignment could be evaluated.");
    public static readonly DiagnosticDescriptor ValueLacksProperty = E("MC3012", "Value lacks a declared property", "A value given with --at lacks a property its declaration states (symmetric, spd, diagonal, orthogonal, indicator, positive, invertible).");
    public static readonly DiagnosticDescriptor BadValues = E("MC3013", "Malformed values", "VALUES.json (or the values text) is not an object of numbers, vectors and lists of rows.");
    public static readonly DiagnosticDescriptor VecHessianTooLarge = E("MC3014", "Vec matrix too large", "The values given with --at make the vec Hessian or vec Jacobian larger than 160,000 entries (a Hessian of an X with more than 400 entries).");
    public static readonly DiagnosticDescriptor HessianFailsCheck = E("MC3015", "Derived Hessian or Jacobian fails its check", "The derived Hessian (Jacobian) disagrees with finite differences of the derived gradient (of F) on an instance, so no verdict is given (a bug in NotebookCalc).");
    public static readonly DiagnosticDescriptor TooLargeToEvaluate = E("MC3016", "Too large to evaluate", "A value at the instance would have more than 4,000,000 entries (nested Kronecker products at the sizes drawn or given).");

    // ── MC4xxx: #!matcalc directives ──
    public static readonly DiagnosticDescriptor UnknownSubcommand = E("MC4001", "Unknown subcommand", "#!matcalc followed by a word that is not a subcommand.");
    public static readonly DiagnosticDescriptor MissingValueOfParameter = E("MC4002", "Missing parameter", "A required expression or option value is missing or null.");
    public static readonly DiagnosticDescriptor ValueNotAllowed = E("MC4003", "Value not allowed", "An option value outside the values the option accepts.");
    public static readonly DiagnosticDescriptor UnknownOption = E("MC4004", "Unknown option", "An option the subcommand does not have.");
    public static readonly DiagnosticDescriptor NoSuchVariable = E("MC4005", "No such C# variable", "--at @csharp:name names no variable of an earlier C# cell.");
    public static readonly DiagnosticDescriptor ChartFailed = E("MC4006", "Chart not drawn", "A convergence chart could not be drawn; the check itself is unaffected.");

    // ── MC5xxx: files of the command line, grading ──
    public static readonly DiagnosticDescriptor NotANotebook = E("MC5001", "Not a notebook", "A file given as a notebook is not JSON with a \"cells\" array.");
    public static readonly DiagnosticDescriptor FileUnreadable = E("MC5002", "File unreadable", "A notebook file cannot be read.");
    public static readonly DiagnosticDescriptor KeyUnreadable = E("MC5003", "Key unreadable", "The grading key cannot be read or is not {\"exercises\": [...]} with id, function and wrt.");
    public static readonly DiagnosticDescriptor BadKeyEntry = E("MC5004", "Broken key entry", "An exercise of the grading key whose function does not parse, is not scalar, or does not contain its variable; grading stops before any student.");
    public static readonly DiagnosticDescriptor NoSubmission = E("MC5005", "No such submission", "A submission path or pattern that matches no file.");
    public static readonly DiagnosticDescriptor OutputIsAFile = E("MC5006", "Output is a file", "`render --out` names an existing file; the pages go into a folder.");
    public static readonly DiagnosticDescriptor RuntimeMissing = E("MC5008", "Runtime missing for render", "The native matcalc hands `render` and `.dib` notebooks to matcalc.dll, and the `dotnet` host or matcalc.dll is missing.");

    // ── MC9999 ──
    public static readonly DiagnosticDescriptor Internal = E("MC9999", "Internal error", "A bug in NotebookCalc, reported as a diagnostic instead of a stack trace.");

    /// <summary>Every catalogued code, in code order.</summary>
    public static IReadOnlyList<DiagnosticDescriptor> All => Entries;

    public static bool TryGet(string id, out DiagnosticDescriptor descriptor)
    {
        descriptor = Entries.Find(d => d.Id == id)!;
        return descriptor is not null;
    }

    /// <summary>The descriptor of <paramref name="id"/>; an uncatalogued code is a bug in the engine and throws.</summary>
    public static DiagnosticDescriptor Get(string id) =>
        TryGet(id, out var d) ? d : throw new InvalidOperationException($"Diagnostic code {id} is not in DiagnosticCatalog.");
}
