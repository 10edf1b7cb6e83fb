-- What a load learns about a base's orders, so that RFM (cxcore/rfm.sql) can take its cheaper statement.
-- orders_are_rows: every order (an order id, or a customer's day for rows without one) is exactly one row
-- of the base, so the rows need no GROUP BY order before the GROUP BY customer. NULL: not known (a base
-- loaded before this column existed), read as false.
ALTER TABLE bases ADD COLUMN IF NOT EXISTS orders_are_rows BOOLEAN;
