namespace Slipway.Core.Config.Internal;

/// <summary>Binds <c>requirements:</c>, items of one check key (command, deb, …) plus optional roles.</summary>
internal static class RequirementsBinder
{
    private const string FreeDisk = "free_disk";
    private const string PathKey = "path";

    public static List<RequirementConfig> Bind(Section root, string? deployTo)
    {
        var result = new List<RequirementConfig>();
        if (root.Get(ConfigKeys.Requirements) is not { } node)
        {
            return result;
        }

        var context = root.Context;
        if (node is not ConfigSequence sequence)
        {
            context.Error(node, ConfigKeys.Requirements, $"must be a list of checks such as - {{ command: git }}, got {node.Describe()}");
            return result;
        }

        for (var i = 0; i < sequence.Items.Count; i++)
        {
            if (BindItem(context, sequence.Items[i], Paths.Index(ConfigKeys.Requirements, i), deployTo) is { } requirement)
            {
                result.Add(requirement);
            }
        }

        return result;
    }

    private static RequirementConfig? BindItem(BindContext context, ConfigNode node, string path, string? deployTo)
    {
        var s = context.Section(node, path, ConfigKeys.RequirementKeys, "a mapping such as { command: git }");
        if (s is null)
        {
            return null;
        }

        var kinds = ConfigKeys.RequirementKinds.Where(k => s.Has(k.Key)).ToList();
        var roles = s.Roles(recordUse: true);
        if (kinds.Count == 0)
        {
            var names = string.Join(", ", ConfigKeys.RequirementKinds.Select(k => k.Key));
            context.Error(s.Location, path, $"needs one of {names}");
            return null;
        }

        foreach (var extra in kinds.Skip(1))
        {
            context.Error(s.KeyLocation(extra.Key), s.PathOf(extra.Key), $"one check per item; this item already checks '{kinds[0].Key}'");
        }

        var (key, kind) = kinds[0];
        var value = s.RequiredString(key);
        if (kind != RequirementKind.FreeDisk)
        {
            if (s.Has(PathKey))
            {
                context.Error(s.KeyLocation(PathKey), s.PathOf(PathKey), "'path' only goes with free_disk");
            }

            return value is null ? null : new RequirementConfig { Kind = kind, Target = value, Roles = roles, Location = s.Location };
        }

        var bytes = value is null ? null : SizeParser.Parse(value);
        if (value is not null && bytes is null)
        {
            context.Error(s.Get(FreeDisk)!, s.PathOf(FreeDisk), $"must be a size such as 500M or 2G, got \"{value}\"");
        }

        var given = s.String(PathKey);
        if (given is not null && !given.StartsWith('/'))
        {
            context.Error(s.Get(PathKey)!, s.PathOf(PathKey), $"must be an absolute path, got \"{given}\"");
        }

        // Without a path, check the disk releases are written to.
        var target = given ?? deployTo ?? "/";

        return bytes is null
            ? null
            : new RequirementConfig { Kind = kind, Target = target, MinimumBytes = bytes, Roles = roles, Location = s.Location };
    }
}
