namespace Slipway.Core.Config.Internal;

/// <summary>Binds <c>phase_timeouts:</c>; every key optional, each a positive duration.</summary>
internal static class PhaseTimeoutsBinder
{
    public static PhaseTimeouts Bind(Section root)
    {
        var defaults = new PhaseTimeouts();
        if (root.Get(ConfigKeys.PhaseTimeouts) is not { } node)
        {
            return defaults;
        }

        var s = root.Context.Section(node, ConfigKeys.PhaseTimeouts, ConfigKeys.PhaseTimeoutKeys, "a mapping such as { update: 1h, publish: 30m }");
        if (s is null)
        {
            return defaults;
        }

        TimeSpan Read(string key, TimeSpan fallback)
        {
            var value = s.Duration(key);
            if (value is { } v && v <= TimeSpan.Zero)
            {
                s.Context.Error(s.Get(key)!, s.PathOf(key), "must be longer than 0 (a phase with no time-out could hang forever)");
                return fallback;
            }

            return value ?? fallback;
        }

        return new PhaseTimeouts
        {
            Check = Read("check", defaults.Check),
            Update = Read("update", defaults.Update),
            Publish = Read("publish", defaults.Publish),
            Finish = Read("finish", defaults.Finish),
            Undo = Read("undo", defaults.Undo),
        };
    }
}
