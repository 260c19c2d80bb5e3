-- AlterTable
ALTER TABLE "projection_checkpoints" ADD COLUMN     "failing_event_type" TEXT,
ADD COLUMN     "failing_global_position" BIGINT,
ADD COLUMN     "failing_stream_id" TEXT,
ADD COLUMN     "failing_stream_version" INTEGER,
ADD COLUMN     "failing_transaction_id" BIGINT;
