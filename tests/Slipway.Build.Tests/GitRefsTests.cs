using Slipway.Build.Caching;
using Slipway.Testing;

namespace Slipway.Build.Tests;

public sealed class GitRefsTests
{
    private static readonly string A = new('a', 40);
    private static readonly string B = new('b', 40);
    private static readonly string C = new('c', 40);

    private static string GitDir(TempDir dir)
    {
        dir.Write(".git/HEAD", "ref: refs/heads/main\n");
        Directory.CreateDirectory(dir.File(".git/refs/heads"));
        return dir.File(".git");
    }

    [Fact]
    public void A_branch_is_read_from_its_loose_file_and_is_its_own_commit()
    {
        using var dir = new TempDir();
        var git = GitDir(dir);
        dir.Write(".git/refs/heads/main", A + "\n");

        GitRefs.LocalGitDir(dir.Path).ShouldBe(git);
        GitRefs.Resolve(git, "main").ShouldBe(new RefTarget(A, A));
        GitRefs.Resolve(git, "refs/heads/main").ShouldBe(new RefTarget(A, A));
    }

    [Fact]
    public void Packed_refs_give_a_tag_and_its_peeled_commit_and_tags_come_before_branches()
    {
        using var dir = new TempDir();
        var git = GitDir(dir);
        dir.Write(".git/packed-refs", $"# pack-refs with: peeled fully-peeled sorted \n{A} refs/heads/v1\n{B} refs/tags/v1\n^{C}\n{C} refs/tags/light\n");

        GitRefs.Resolve(git, "v1").ShouldBe(new RefTarget(B, C));
        GitRefs.Resolve(git, "refs/heads/v1").ShouldBe(new RefTarget(A, A));
        GitRefs.Resolve(git, "light").ShouldBe(new RefTarget(C, null));
    }

    [Fact]
    public void A_loose_ref_wins_over_packed_refs_and_symbolic_refs_are_followed()
    {
        using var dir = new TempDir();
        var git = GitDir(dir);
        dir.Write(".git/packed-refs", $"{A} refs/heads/main\n");
        dir.Write(".git/refs/heads/main", B + "\n");
        dir.Write(".git/refs/heads/alias", "ref: refs/heads/main\n");

        GitRefs.Resolve(git, "main").ShouldBe(new RefTarget(B, B));
        GitRefs.Resolve(git, "alias").ShouldBe(new RefTarget(B, B));
    }

    [Fact]
    public void What_only_git_can_answer_returns_null()
    {
        using var dir = new TempDir();
        var git = GitDir(dir);
        dir.Write(".git/refs/heads/main", A + "\n");

        GitRefs.Resolve(git, "HEAD").ShouldBeNull();
        GitRefs.Resolve(git, "main~1").ShouldBeNull();
        GitRefs.Resolve(git, "abc1234").ShouldBeNull();
        GitRefs.Resolve(git, "nope").ShouldBeNull();
        GitRefs.Resolve(git, A.ToUpperInvariant()).ShouldBe(new RefTarget(A, null));
        GitRefs.LocalGitDir("https://example.org/x.git").ShouldBeNull();
        GitRefs.LocalGitDir(dir.File("no-such-repo")).ShouldBeNull();
    }
}
