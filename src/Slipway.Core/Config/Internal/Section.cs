namespace Slipway.Core.Config.Internal;

/// <summary>A mapping with fixed keys, already checked for unknown and duplicate keys; typed getters report problems.</summary>
internal sealed class Section(
    BindContext context,
    ConfigMapping mapping,
    string path,
    Dictionary<string, ConfigNode> values,
    Dictionary<string, ConfigScalar> keys)
{
    public BindContext Context { get; } = context;

    public string Path { get; } = path;

    public SourceLocation Location => mapping.Location;

    public string PathOf(string key) => Paths.Child(Path, key);

    public bool Has(string key) => values.ContainsKey(key);

    /// <summary>Where the key itself is written (for messages about the key rather than its value).</summary>
    public SourceLocation KeyLocation(string key) => keys.TryGetValue(key, out var k) ? k.Location : Location;

    /// <summary>The value node, or null when the key is absent or has an empty value (which means "use the default").</summary>
    public ConfigNode? Get(string key) =>
        values.TryGetValue(key, out var node) && node is not ConfigScalar { IsNull: true } ? node : null;

    /// <summary>The value node of a key that must be given; reports it when it is missing or empty.</summary>
    public ConfigNode? Required(string key, string? hint = null)
    {
        var node = Get(key);
        if (node is null)
        {
            var message = Has(key) ? "required key has no value" : "required key is missing";
            Context.Error(Has(key) ? KeyLocation(key) : Location, PathOf(key), hint is null ? message : message + " (" + hint + ")");
        }

        return node;
    }

    public string? String(string key) => Get(key) is { } node ? ValueReader.String(Context, node, PathOf(key)) : null;

    public string? RequiredString(string key, string? hint = null) =>
        Required(key, hint) is { } node ? ValueReader.NonEmptyString(Context, node, PathOf(key)) : null;

    public int? Int(string key, int min, int max) => Get(key) is { } node ? ValueReader.Int(Context, node, PathOf(key), min, max) : null;

    public TimeSpan? Duration(string key) => Get(key) is { } node ? ValueReader.Duration(Context, node, PathOf(key)) : null;

    public double? Fraction(string key) => Get(key) is { } node ? ValueReader.Fraction(Context, node, PathOf(key)) : null;

    public bool? Bool(string key) => Get(key) is { } node ? ValueReader.Bool(Context, node, PathOf(key)) : null;

    public string? Enum(string key, IReadOnlyList<string> allowed) =>
        Get(key) is { } node ? ValueReader.Enum(Context, node, PathOf(key), allowed) : null;

    public List<(string Value, ConfigNode Node, string Path)> StringList(string key) =>
        (Get(key) is { } node ? ValueReader.StringList(Context, node, PathOf(key)) : null) ?? [];

    /// <summary>Roles are a list of strings that must each be given to some host; uses are recorded for that check.</summary>
    public List<string> Roles(bool recordUse)
    {
        var roles = new List<string>();
        foreach (var (role, node, rolePath) in StringList(ConfigKeys.Roles))
        {
            if (!Names.IsName(role))
            {
                Context.Error(node, rolePath, $"role names are lowercase letters, digits, '-' and '_', got {node.Describe()}");
                continue;
            }

            if (recordUse)
            {
                Context.RoleUses.Add((role, node.Location, rolePath, Context.File));
            }

            roles.Add(role);
        }

        return roles;
    }
}
