using System.Collections.Immutable;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace NotebookCalc.Tests.Architecture;

/// <summary>One reference from a type of the analysed assembly to another type: the namespaces and the two types.</summary>
public sealed record Edge(string FromNamespace, string FromType, string ToNamespace, string ToType, string Where);

/// <summary>
/// The type dependencies of a compiled assembly read from its metadata and IL, not from source: base types and
/// interfaces, field, method, property and event signatures, generic constraints, custom attributes, local variables,
/// and every type, method, field, signature or token operand of every method body (calls, allocations, field access,
/// casts, typeof, delegates). A fully qualified name in a method body is found as well as one brought in by a using.
/// Compiler-generated nested types (closures, iterators, state machines) count as their outermost declaring type.
/// What the compiler folds away leaves no trace in IL and is not seen: constants (a <c>const string</c> of another
/// type is copied in as a literal) and names used only in <c>nameof</c> or in documentation comments.
/// </summary>
public sealed class DependencyGraph
{
    public IReadOnlyList<Edge> Edges { get; }

    /// <summary>The names of the assemblies the analysed assembly references.</summary>
    public IReadOnlyList<string> AssemblyReferences { get; }

    private DependencyGraph(IReadOnlyList<Edge> edges, IReadOnlyList<string> assemblies)
    {
        Edges = edges;
        AssemblyReferences = assemblies;
    }

    public static DependencyGraph Of(string assemblyPath)
    {
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        var md = pe.GetMetadataReader();
        var edges = new HashSet<Edge>();
        var provider = new TypeNames(md);
        foreach (var handle in md.TypeDefinitions)
        {
            var def = md.GetTypeDefinition(handle);
            var (fromNs, fromType) = Outermost(md, handle);
            void Add(IEnumerable<string> targets, string where)
            {
                foreach (var t in targets)
                {
                    var dot = t.LastIndexOf('.');
                    var ns = dot < 0 ? "" : t[..dot];
                    if (ns != fromNs || t != fromType) edges.Add(new Edge(fromNs, fromType, ns, t, where));
                }
            }
            var name = $"{fromType}";
            if (!def.BaseType.IsNil) Add(provider.OfHandle(def.BaseType), $"{name}: base type");
            foreach (var i in def.GetInterfaceImplementations()) Add(provider.OfHandle(md.GetInterfaceImplementation(i).Interface), $"{name}: interface");
            foreach (var g in def.GetGenericParameters())
                foreach (var c in md.GetGenericParameter(g).GetConstraints()) Add(provider.OfHandle(md.GetGenericParameterConstraint(c).Type), $"{name}: constraint");
            foreach (var a in def.GetCustomAttributes()) Add(provider.OfAttribute(md.GetCustomAttribute(a)), $"{name}: attribute");
            foreach (var fh in def.GetFields())
            {
                var field = md.GetFieldDefinition(fh);
                Add(field.DecodeSignature(provider, null), $"{name}.{md.GetString(field.Name)}: field");
                foreach (var a in field.GetCustomAttributes()) Add(provider.OfAttribute(md.GetCustomAttribute(a)), $"{name}.{md.GetString(field.Name)}: attribute");
            }
            foreach (var ph in def.GetProperties())
            {
                var p = md.GetPropertyDefinition(ph);
                var sig = p.DecodeSignature(provider, null);
                Add(sig.ReturnType.Concat(sig.ParameterTypes.SelectMany(x => x)), $"{name}.{md.GetString(p.Name)}: property");
            }
            foreach (var eh in def.GetEvents())
            {
                var e = md.GetEventDefinition(eh);
                Add(provider.OfHandle(e.Type), $"{name}.{md.GetString(e.Name)}: event");
            }
            foreach (var mh in def.GetMethods())
            {
                var method = md.GetMethodDefinition(mh);
                var where = $"{name}.{md.GetString(method.Name)}";
                var sig = method.DecodeSignature(provider, null);
                Add(sig.ReturnType.Concat(sig.ParameterTypes.SelectMany(x => x)), where + ": signature");
                foreach (var a in method.GetCustomAttributes()) Add(provider.OfAttribute(md.GetCustomAttribute(a)), where + ": attribute");
                foreach (var g in method.GetGenericParameters())
                    foreach (var c in md.GetGenericParameter(g).GetConstraints()) Add(provider.OfHandle(md.GetGenericParameterConstraint(c).Type), where + ": constraint");
                if (method.RelativeVirtualAddress == 0) continue;
                var body = pe.GetMethodBody(method.RelativeVirtualAddress);
                if (!body.LocalSignature.IsNil)
                {
                    var locals = md.GetStandaloneSignature(body.LocalSignature).DecodeLocalSignature(provider, null);
                    Add(locals.SelectMany(x => x), where + ": local");
                }
                foreach (var token in Tokens(body.GetILReader())) Add(provider.OfToken(token), where + ": body");
            }
        }
        var assemblies = md.AssemblyReferences.Select(a => md.GetString(md.GetAssemblyReference(a).Name)).ToList();
        return new DependencyGraph([.. edges], assemblies);
    }

    /// <summary>Namespace and full name of the outermost type declaring <paramref name="handle"/>.</summary>
    private static (string Namespace, string Type) Outermost(MetadataReader md, TypeDefinitionHandle handle)
    {
        var def = md.GetTypeDefinition(handle);
        while (def.IsNested) def = md.GetTypeDefinition(def.GetDeclaringType());
        var ns = md.GetString(def.Namespace);
        var name = md.GetString(def.Name);
        return (ns, ns.Length == 0 ? name : $"{ns}.{name}");
    }

    /// <summary>The metadata tokens that IL instructions take as operands (method, field, type, token, signature).</summary>
    private static IEnumerable<int> Tokens(BlobReader il)
    {
        var tokens = new List<int>();
        while (il.RemainingBytes > 0)
        {
            int code = il.ReadByte();
            if (code == 0xFE) code = 0xFE00 | il.ReadByte();
            switch (OperandOf(code))
            {
                case Operand.None: break;
                case Operand.Byte: il.ReadByte(); break;
                case Operand.Int32: il.ReadInt32(); break;
                case Operand.Int64: il.ReadInt64(); break;
                case Operand.Token: tokens.Add(il.ReadInt32()); break;
                case Operand.Switch: { var n = il.ReadInt32(); for (var i = 0; i < n; i++) il.ReadInt32(); break; }
                case Operand.Short: il.ReadInt16(); break;
            }
        }
        return tokens;
    }

    private enum Operand { None, Byte, Short, Int32, Int64, Token, Switch }

    /// <summary>The operand size of each IL opcode (ECMA-335 III).</summary>
    private static Operand OperandOf(int code) => code switch
    {
        // short branches, ldarg.s/ldarga.s/starg.s/ldloc.s/ldloca.s/stloc.s, ldc.i4.s, unaligned.
        >= 0x0E and <= 0x13 or 0x1F or >= 0x2B and <= 0x37 or 0xDE or 0xFE12 or 0xFE19 => Operand.Byte,
        0x20 or 0x22 or >= 0x38 and <= 0x44 or 0xDD => Operand.Int32, // ldc.i4, ldc.r4, long branches, leave
        0x21 or 0x23 => Operand.Int64, // ldc.i8, ldc.r8
        0x45 => Operand.Switch,
        // jmp, call, calli, callvirt, cpobj, ldobj, ldstr, newobj, castclass, isinst, unbox, ldfld, ldflda, stfld,
        // ldsfld, ldsflda, stsfld, stobj, box, newarr, ldelema, ldelem, stelem, unbox.any, refanyval, mkrefany, ldtoken,
        // ldftn, ldvirtftn, initobj, constrained, sizeof.
        0x27 or 0x28 or 0x29 or 0x6F or 0x70 or 0x71 or 0x72 or 0x73 or 0x74 or 0x75 or 0x79 or >= 0x7B and <= 0x81
            or 0x8C or 0x8D or 0x8F or 0xA3 or 0xA4 or 0xA5 or 0xC2 or 0xC6 or 0xD0 or 0xFE06 or 0xFE07 or 0xFE15 or 0xFE16 or 0xFE1C => Operand.Token,
        0xFE09 or 0xFE0A or 0xFE0B or 0xFE0C or 0xFE0D or 0xFE0E => Operand.Short, // ldarg, ldarga, starg, ldloc, ldloca, stloc
        _ => Operand.None,
    };

    /// <summary>Decodes signatures into the full names of the types they mention.</summary>
    private sealed class TypeNames(MetadataReader md) : ISignatureTypeProvider<ImmutableArray<string>, object?>
    {
        public ImmutableArray<string> OfHandle(EntityHandle handle) => handle.Kind switch
        {
            HandleKind.TypeDefinition => GetTypeFromDefinition(md, (TypeDefinitionHandle)handle, 0),
            HandleKind.TypeReference => GetTypeFromReference(md, (TypeReferenceHandle)handle, 0),
            HandleKind.TypeSpecification => md.GetTypeSpecification((TypeSpecificationHandle)handle).DecodeSignature(this, null),
            _ => [],
        };

        public ImmutableArray<string> OfToken(int token)
        {
            if ((token >> 24) == 0x70) return []; // a user string (ldstr)
            var handle = MetadataTokens.EntityHandle(token);
            switch (handle.Kind)
            {
                case HandleKind.TypeDefinition or HandleKind.TypeReference or HandleKind.TypeSpecification:
                    return OfHandle(handle);
                case HandleKind.MethodDefinition:
                {
                    var m = md.GetMethodDefinition((MethodDefinitionHandle)handle);
                    var sig = m.DecodeSignature(this, null);
                    return [.. OfHandle(m.GetDeclaringType()), .. sig.ReturnType, .. sig.ParameterTypes.SelectMany(x => x)];
                }
                case HandleKind.FieldDefinition:
                {
                    var f = md.GetFieldDefinition((FieldDefinitionHandle)handle);
                    return [.. OfHandle(f.GetDeclaringType()), .. f.DecodeSignature(this, null)];
                }
                case HandleKind.MemberReference:
                {
                    var r = md.GetMemberReference((MemberReferenceHandle)handle);
                    var parent = r.Parent.Kind is HandleKind.MethodDefinition
                        ? OfToken(MetadataTokens.GetToken(r.Parent)) : OfHandle(r.Parent);
                    ImmutableArray<string> signature = r.GetKind() == MemberReferenceKind.Method
                        ? [.. r.DecodeMethodSignature(this, null) is var ms ? ms.ReturnType.Concat(ms.ParameterTypes.SelectMany(x => x)) : []]
                        : r.DecodeFieldSignature(this, null);
                    return [.. parent, .. signature];
                }
                case HandleKind.MethodSpecification:
                {
                    var s = md.GetMethodSpecification((MethodSpecificationHandle)handle);
                    return [.. OfToken(MetadataTokens.GetToken(s.Method)), .. s.DecodeSignature(this, null).SelectMany(x => x)];
                }
                case HandleKind.StandaloneSignature:
                {
                    var s = md.GetStandaloneSignature((StandaloneSignatureHandle)handle);
                    if (s.GetKind() != StandaloneSignatureKind.Method) return [];
                    var sig = s.DecodeMethodSignature(this, null);
                    return [.. sig.ReturnType, .. sig.ParameterTypes.SelectMany(x => x)];
                }
                default:
                    return [];
            }
        }

        public ImmutableArray<string> OfAttribute(CustomAttribute a) => OfToken(MetadataTokens.GetToken(a.Constructor));

        public ImmutableArray<string> GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind)
        {
            var def = reader.GetTypeDefinition(handle);
            while (def.IsNested) def = reader.GetTypeDefinition(def.GetDeclaringType());
            return [Full(reader.GetString(def.Namespace), reader.GetString(def.Name))];
        }

        public ImmutableArray<string> GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind)
        {
            var r = reader.GetTypeReference(handle);
            while (r.ResolutionScope.Kind == HandleKind.TypeReference) r = reader.GetTypeReference((TypeReferenceHandle)r.ResolutionScope);
            return [Full(reader.GetString(r.Namespace), reader.GetString(r.Name))];
        }

        private static string Full(string ns, string name) => ns.Length == 0 ? name : $"{ns}.{name}";

        public ImmutableArray<string> GetTypeFromSpecification(MetadataReader reader, object? context, TypeSpecificationHandle handle, byte rawTypeKind) =>
            reader.GetTypeSpecification(handle).DecodeSignature(this, context);

        public ImmutableArray<string> GetArrayType(ImmutableArray<string> elementType, ArrayShape shape) => elementType;
        public ImmutableArray<string> GetSZArrayType(ImmutableArray<string> elementType) => elementType;
        public ImmutableArray<string> GetByReferenceType(ImmutableArray<string> elementType) => elementType;
        public ImmutableArray<string> GetPointerType(ImmutableArray<string> elementType) => elementType;
        public ImmutableArray<string> GetPinnedType(ImmutableArray<string> elementType) => elementType;
        public ImmutableArray<string> GetGenericInstantiation(ImmutableArray<string> genericType, ImmutableArray<ImmutableArray<string>> typeArguments) =>
            [.. genericType, .. typeArguments.SelectMany(x => x)];
        public ImmutableArray<string> GetModifiedType(ImmutableArray<string> modifier, ImmutableArray<string> unmodifiedType, bool isRequired) => [.. modifier, .. unmodifiedType];
        public ImmutableArray<string> GetFunctionPointerType(MethodSignature<ImmutableArray<string>> signature) =>
            [.. signature.ReturnType, .. signature.ParameterTypes.SelectMany(x => x)];
        public ImmutableArray<string> GetGenericMethodParameter(object? genericContext, int index) => [];
        public ImmutableArray<string> GetGenericTypeParameter(object? genericContext, int index) => [];
        public ImmutableArray<string> GetPrimitiveType(PrimitiveTypeCode typeCode) => [];
    }
}
