namespace Slipway.Core.Config.Internal;

/// <summary>linked_dirs / linked_files: paths under shared/ that must never point outside deploy_to.</summary>
internal static class LinkedPaths
{
    public static List<string> Read(Section root, string key)
    {
        var result = new List<string>();
        foreach (var (value, node, path) in root.StringList(key))
        {
            if (Check(value) is { } problem)
            {
                root.Context.Error(node, path, problem);
                continue;
            }

            result.Add(value);
        }

        return result;
    }

    /// <summary>What is wrong with a linked path, or null. Pure.</summary>
    internal static string? Check(string value)
    {
        if (value.StartsWith('/') || value.StartsWith('~'))
        {
            return $"must be a path relative to shared/, got \"{value}\"";
        }

        var depth = 0;
        foreach (var segment in value.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            depth += segment switch
            {
                "." => 0,
                ".." => -1,
                _ => 1,
            };
            if (depth < 0)
            {
                return $"\"{value}\" leads outside deploy_to; linked paths must stay inside shared/";
            }
        }

        return depth == 0 ? $"\"{value}\" names shared/ itself; name a file or directory inside it" : null;
    }
}
