namespace Slipway.Core.Config.Internal;

/// <summary>
/// Keeps build as a plain tree (mappings become dictionaries, lists become lists, scalars strings
/// after <c>${VAR}</c> substitution) until the features that own them bind them properly.
/// </summary>
internal static class ExtensionReader
{
    public static Dictionary<string, object?> Read(Section root)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var key in ConfigKeys.Extensions)
        {
            if (root.Get(key) is not { } node)
            {
                continue;
            }

            if (node is not ConfigMapping)
            {
                root.Context.Error(node, key, $"must be a mapping, got {node.Describe()}");
                continue;
            }

            result[key] = Convert(root.Context, node, key);
        }

        return result;
    }

    // Depth is bounded by YamlTreeReader.MaxDepth and alias expansion by MaxExpandedNodes, so recursion is safe.
    private static object? Convert(BindContext context, ConfigNode node, string path) => node switch
    {
        ConfigScalar { IsNull: true } => null,
        ConfigScalar scalar => context.Substitute(scalar, path),
        ConfigSequence sequence => sequence.Items.Select((item, i) => Convert(context, item, Paths.Index(path, i))).ToList(),
        ConfigMapping mapping => context.UniqueEntries(mapping, path)
            .ToDictionary(e => e.Key.Value, e => Convert(context, e.Value, Paths.Child(path, e.Key.Value)), StringComparer.Ordinal),
        _ => null,
    };
}
