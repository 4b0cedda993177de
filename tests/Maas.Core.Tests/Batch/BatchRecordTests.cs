using Maas.Core.Batch;
using Maas.Core.Serving;

namespace Maas.Core.Tests.Batch;

public sealed class BatchRecordTests
{
    private static readonly DateTimeOffset Created = new(2026, 12, 7, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void MoveTo_AllowedMove_SetsTheStatusAndItsTimestamp()
    {
        var later = Created.AddMinutes(5);

        var moved = Record().MoveTo(BatchStatus.InProgress, later).MoveTo(BatchStatus.Cancelling, later.AddMinutes(1));

        Assert.Equal(BatchStatus.Cancelling, moved.Status);
        Assert.Equal(later, moved.InProgressAt);
        Assert.Equal(later.AddMinutes(1), moved.CancellingAt);
        Assert.Null(moved.CancelledAt);
    }

    [Fact]
    public void MoveTo_MoveTheLifecycleForbids_ReturnsTheSameRecord()
    {
        var completed = Record().MoveTo(BatchStatus.InProgress, Created).MoveTo(BatchStatus.Finalizing, Created).MoveTo(BatchStatus.Completed, Created);

        Assert.Same(completed, completed.MoveTo(BatchStatus.Cancelling, Created.AddHours(1)));
    }

    [Fact]
    public void Add_Counts_AddsCompletedAndFailedKeepingTheTotal()
        => Assert.Equal(new BatchCounts(10, 7, 2), new BatchCounts(10, 4, 1).Add(3, 1));

    [Fact]
    public void KeyOf_SameObjectIdThroughAnyApp_IsOneOwnerAndAnotherCallerIsAnother()
    {
        var user = new Caller("app-a", "oid-1", new HashSet<string>(), new HashSet<string>());
        var sameUserOtherApp = new Caller("app-b", "oid-1", new HashSet<string>(), new HashSet<string>());
        var otherUser = new Caller("app-a", "oid-2", new HashSet<string>(), new HashSet<string>());
        var appWithoutObjectId = new Caller("app-a", null, new HashSet<string>(), new HashSet<string>());

        Assert.Equal(BatchOwner.KeyOf(user), BatchOwner.KeyOf(sameUserOtherApp));
        Assert.NotEqual(BatchOwner.KeyOf(user), BatchOwner.KeyOf(otherUser));
        Assert.NotEqual(BatchOwner.KeyOf(user), BatchOwner.KeyOf(appWithoutObjectId));
        Assert.Matches("^[0-9a-f]{32}$", BatchOwner.KeyOf(user));
        Assert.Equal(BatchOwner.KeyOf(user), BatchOwner.KeyOf(BatchOwner.Keep(user)));
    }

    [Fact]
    public void Restore_KeptCaller_HasTheSameRolesAndScopes()
    {
        var caller = new Caller("app-a", "oid-1", new HashSet<string> { "Models.Predict", "Fraud.Read" }, new HashSet<string> { "user_impersonation" });

        var restored = BatchOwner.Restore(BatchOwner.Keep(caller));

        Assert.Equal(("app-a", "oid-1"), (restored.AppId, restored.ObjectId));
        Assert.True(restored.Roles.SetEquals(caller.Roles));
        Assert.True(restored.Scopes.SetEquals(caller.Scopes));
        Assert.False(restored.IsAuthDisabled);
        Assert.True(BatchOwner.Restore(BatchCaller.Operator).IsAuthDisabled);
    }

    private static BatchRecord Record() => new()
    {
        Id = "batch_1",
        Owner = "owner",
        Caller = BatchCaller.Operator,
        Endpoint = "/v1/embeddings",
        InputFileId = "file-1",
        CreatedAt = Created,
        ExpiresAt = Created.AddHours(24),
    };
}
