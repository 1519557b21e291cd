namespace Slipway.Core.Config.Internal;

/// <summary>Key paths as printed in messages: <c>stages.production.hosts[1].port</c>.</summary>
internal static class Paths
{
    public static string Child(string parent, string key) => parent.Length == 0 ? key : parent + "." + key;

    public static string Index(string parent, int index) =>
        parent + "[" + index.ToString(System.Globalization.CultureInfo.InvariantCulture) + "]";
}
