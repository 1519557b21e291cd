namespace Slipway.Deploy.Model;

/// <summary>Lines of <c>revisions.log</c> exactly as Capistrano 3 writes them, so existing tooling keeps reading it.</summary>
public static class RevisionsLog
{
    public static string Deployed(string branch, string commit, string release, string user) =>
        $"Branch {branch} (at {commit}) deployed as release {release} by {user}";

    public static string RolledBack(string user, string release) => $"{user} rolled back to release {release}";
}
