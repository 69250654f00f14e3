import { Inject, Injectable, type OnModuleInit } from "@nestjs/common";
import { ConfigService } from "@nestjs/config";
import type pg from "pg";
import type { Settings } from "../config.js";
import { DATABASE } from "../database/database.module.js";
import type { OrderView } from "./messages.js";

/** The orders, in a table of the example's schema: a Nest service the handlers are given. */
@Injectable()
export class OrderRepository implements OnModuleInit {
  readonly #table: string;

  constructor(
    @Inject(DATABASE) private readonly pool: pg.Pool,
    config: ConfigService<Settings, true>,
  ) {
    this.#table = `"${config.get("database.schema", { infer: true })}".orders`;
  }

  async onModuleInit(): Promise<void> {
    const schema = this.#table.split(".")[0];
    await this.pool.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await this.pool.query(
      `CREATE TABLE IF NOT EXISTS ${this.#table} (order_id text PRIMARY KEY, item text NOT NULL, quantity int NOT NULL, placed_at timestamptz NOT NULL DEFAULT now())`,
    );
  }

  async save(orderId: string, item: string, quantity: number): Promise<void> {
    // Idempotent: a message delivered twice (a worker killed before its acknowledgement) stores one order.
    await this.pool.query(
      `INSERT INTO ${this.#table} (order_id, item, quantity) VALUES ($1, $2, $3) ON CONFLICT (order_id) DO NOTHING`,
      [orderId, item, quantity],
    );
  }

  async find(orderId: string): Promise<OrderView | null> {
    const { rows } = await this.pool.query(
      `SELECT order_id, item, quantity, placed_at FROM ${this.#table} WHERE order_id = $1`,
      [orderId],
    );
    const row = rows[0];
    return row
      ? {
          orderId: row.order_id,
          item: row.item,
          quantity: row.quantity,
          placedAt: row.placed_at.toISOString(),
        }
      : null;
  }

  async count(): Promise<number> {
    const { rows } = await this.pool.query(`SELECT count(*)::int AS n FROM ${this.#table}`);
    return rows[0].n;
  }
}
