namespace Slipway.Core.Config.Internal;

/// <summary>Binds <c>promote:</c>: one <c>{ from, to, min_age }</c> or a list of them (devel → staging → production).</summary>
internal static class PromoteBinder
{
    public static List<PromoteConfig> Bind(Section root)
    {
        var result = new List<PromoteConfig>();
        if (root.Get(ConfigKeys.Promote) is not { } node)
        {
            return result;
        }

        if (node is ConfigSequence sequence)
        {
            for (var i = 0; i < sequence.Items.Count; i++)
            {
                if (BindOne(root.Context, sequence.Items[i], Paths.Index(ConfigKeys.Promote, i)) is { } one)
                {
                    result.Add(one);
                }
            }
        }
        else if (BindOne(root.Context, node, ConfigKeys.Promote) is { } one)
        {
            result.Add(one);
        }

        return result;
    }

    private static PromoteConfig? BindOne(BindContext context, ConfigNode node, string path)
    {
        var s = context.Section(node, path, ConfigKeys.PromoteKeys, "a mapping such as { from: staging, to: production, min_age: 7d }");
        if (s is null)
        {
            return null;
        }

        var from = s.RequiredString("from", "the stage code comes from, such as staging");
        var to = s.RequiredString("to", "the stage code goes to, such as production");
        var minAge = s.Duration("min_age") ?? TimeSpan.Zero;
        if (from is not null && from == to)
        {
            context.Error(s.Get("to")!, s.PathOf("to"), $"must differ from 'from' (both are {from})");
        }

        return from is null || to is null ? null : new PromoteConfig { From = from, To = to, MinAge = minAge, Location = s.Location };
    }
}
